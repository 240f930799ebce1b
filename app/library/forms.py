"""The library's forms as typed: a folder (name, description), a document's details (folder, title, description,
audience) and the search's words, checked field by field; the file itself is checked in app/library/content.py."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.forms.validation import is_clean_text

ALL = "all"  # the audience value for every confidant
FOLDER_LIMITS = {"name": 120, "description": 2000}
DOCUMENT_LIMITS = {"title": 200, "description": 5000}


@dataclass(frozen=True)
class FolderDetails:
    name: str
    description: str | None


@dataclass(frozen=True)
class DocumentDetails:
    """A checked form; ``entity_id`` None is for all confidants."""

    folder_id: int
    title: str
    description: str | None
    entity_id: int | None


def parse_folder(form) -> tuple[FolderDetails | None, dict[str, str], dict[str, str]]:
    """(details or None, the values as typed, field -> message)."""
    values = {name: (form.get(name) or "").strip() for name in FOLDER_LIMITS}
    errors = _too_long(values, FOLDER_LIMITS)
    if not values["name"]:
        errors["name"] = str(_l("Geef de map een naam."))
    errors.update(_not_text(values))
    if errors:
        return None, values, errors
    return FolderDetails(values["name"], values["description"] or None), values, errors


def parse_document(form) -> tuple[DocumentDetails | None, dict[str, str], dict[str, str]]:
    """(details or None, the values as typed, field -> message)."""
    values = {name: (form.get(name) or "").strip() for name in ("folder", "title", "description", "audience")}
    errors = _too_long(values, DOCUMENT_LIMITS)
    if not values["title"]:
        errors["title"] = str(_l("Geef een titel."))
    folder_id = _number(values["folder"])
    if folder_id is None:
        errors["folder"] = str(_l("Kies een map."))
    audience = values["audience"] or ALL
    entity_id = None if audience == ALL else _number(audience)
    if audience != ALL and entity_id is None:
        errors["audience"] = str(_l("Kies voor wie het document is."))
    errors.update(_not_text({name: values[name] for name in DOCUMENT_LIMITS}))
    if errors or folder_id is None:
        return None, values, errors
    return DocumentDetails(folder_id, values["title"], values["description"] or None, entity_id), values, errors


def parse_query(args) -> tuple[str, dict[str, str]]:
    """The search's words, or a message for the field ``q`` when they cannot be looked up as typed."""
    query = (args.get("q") or "").strip()
    if not is_clean_text(query):
        return "", {"q": not_text_message()}
    return query, {}


def not_text_message() -> str:
    return str(_l("Deze tekst bevat tekens die niet toegelaten zijn."))


def document_values(document) -> dict[str, str]:
    """The edit form filled in with what the document has now."""
    return {"folder": str(document.folder_id), "title": document.title, "description": document.description or "",
            "audience": str(document.entity_id) if document.entity_id is not None else ALL}


def _too_long(values: dict[str, str], limits: dict[str, int]) -> dict[str, str]:
    return {name: str(_l("Maximaal %(limit)s tekens.", limit=limit))
            for name, limit in limits.items() if len(values[name]) > limit}


def _not_text(values: dict[str, str]) -> dict[str, str]:
    """Text the database cannot keep as typed (a NUL byte, other control characters) is refused, never stored."""
    return {name: not_text_message() for name, value in values.items() if not is_clean_text(value)}


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 9 and int(text) > 0 else None
