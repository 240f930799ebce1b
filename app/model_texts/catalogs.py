"""The gettext catalogs beside the models: ``bpmn/translations/LOCALE.po`` and ``forms/translations/LOCALE.po``.

msgid is the Dutch text as the model holds it, msgstr its translation. ``vertrouwd model-texts`` brings them up to
date with the models (new texts untranslated, gone texts dropped, translations kept); a deploy stores, with the
version, the translations of that version's own texts.
"""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from app.model_texts.extract import ModelText, distinct, folder_texts, placeholders, version_texts

SOURCE_LOCALE = "nl"  # the models are written in Dutch
CATALOG_FOLDER = "translations"

_FIRST_WRITTEN = datetime(2026, 12, 1, tzinfo=timezone.utc)
_HEADER = ("# Translations ({locale}) of the texts of the Vertrouwd process models. msgid is the Dutch text as the\n"
           "# model holds it; `vertrouwd model-texts` updates this file from the models, then translate the empty\n"
           "# msgstr.")

_JINJA = SandboxedEnvironment()  # instructions are rendered in this sandbox (app/workflow/views.py)
_FORMAT_FLAGS = {"python-format", "python-brace-format"}

Translations = dict[str, dict[str, str]]  # locale -> Dutch text -> translation


def read_folder(folder: Path) -> Translations:
    """The translated entries of every ``LOCALE.po`` in ``folder`` (empty and fuzzy ones left out)."""
    if not folder.is_dir():
        return {}
    return {path.stem: dict(_read(str(path), *_stamp(path))) for path in sorted(folder.glob("*.po"))}


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=16)
def _read(path: str, _mtime: int, _size: int) -> tuple[tuple[str, str], ...]:
    """Parsed once per version of the file (every test app imports the models)."""
    with open(path, "rb") as po_file:
        catalog = read_po(po_file)
    return tuple((message.id, message.string) for message in catalog
                 if message.id and isinstance(message.string, str) and message.string.strip() and not message.fuzzy)


def merged(*sources: Translations) -> Translations:
    """One mapping per locale from several catalogs (the BPMN one and the forms one)."""
    result: Translations = {}
    for source in sources:
        for locale, texts in source.items():
            result.setdefault(locale, {}).update(texts)
    return result


def for_version(translations: Translations, files: dict[str, str], forms: dict[str, dict]) -> Translations:
    """Only the translations of this version's texts: a version stores what it shows, nothing of other models."""
    wanted = distinct(version_texts(files, forms))
    kept = {locale: {text: texts[text] for text in wanted if text in texts}
            for locale, texts in translations.items() if locale != SOURCE_LOCALE}
    return {locale: texts for locale, texts in sorted(kept.items()) if texts}


def placeholder_problems(translations: Translations) -> list[str]:
    """A translation must keep the Jinja of its text (what the instructions show and when)."""
    return [f"vertaling ({locale}) van '{text[:60]}': behoud {' '.join(placeholders(text)) or 'geen Jinja'} "
            f"(de vertaling heeft {' '.join(placeholders(translated)) or 'er geen'})"
            for locale, texts in sorted(translations.items()) for text, translated in texts.items()
            if placeholders(text) != placeholders(translated)]


def update_catalog(path: Path, texts: list[ModelText], locale: str) -> tuple[int, int]:
    """Rewrite the catalog at ``path`` for ``texts``: known translations kept, gone texts dropped.
    Returns (texts in the catalog, of which untranslated)."""
    previous, created = {}, _FIRST_WRITTEN
    if path.exists():
        with path.open("rb") as po_file:
            old_catalog = read_po(po_file, locale=locale)
        previous, created = {message.id: message for message in old_catalog if message.id}, old_catalog.creation_date
    # Fixed dates and no tool version: rewriting an unchanged catalog changes nothing in git.
    catalog = Catalog(locale=locale, project="Vertrouwd process models", version="1", fuzzy=False,
                      header_comment=_HEADER.format(locale=locale), creation_date=created, revision_date=created)
    for text, wheres in distinct(texts).items():
        old = previous.get(text)
        message = catalog.add(text, old.string if old else "", locations=[(where, None) for where in wheres],
                              flags=old.flags if old else ())
        message.flags -= _FORMAT_FLAGS  # Jinja, not printf or str.format: no tool should check it as such
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po_file:
        write_po(po_file, catalog, width=0, omit_header=False)
    untranslated = sum(1 for message in catalog if message.id and (not message.string or message.fuzzy))
    return len(distinct(texts)), untranslated


def update_folders(bpmn_dir: Path, forms_dir: Path, locales: list[str]) -> list[tuple[Path, int, int]]:
    """Bring ``bpmn_dir/translations/LOCALE.po`` and ``forms_dir/translations/LOCALE.po`` up to date with the
    models; (catalog, texts, untranslated) per catalog written."""
    bpmn, forms = folder_texts(bpmn_dir, forms_dir)
    written = []
    for locale in locales:
        for folder, texts in ((bpmn_dir, bpmn), (forms_dir, forms)):
            path = folder / CATALOG_FOLDER / f"{locale}.po"
            written.append((path, *update_catalog(path, texts, locale)))
    return written


def catalog_problems(bpmn_dir: Path, forms_dir: Path, locale: str) -> list[str]:
    """What keeps the ``locale`` catalogs from matching the models: texts without a translation (or a fuzzy one),
    translations that change the text's Jinja or do not parse, texts the models no longer have, and one Dutch
    text translated differently in the two catalogs. Empty when the models read completely in ``locale``."""
    bpmn, forms = folder_texts(bpmn_dir, forms_dir)
    problems, seen = [], {}
    for folder, texts in ((bpmn_dir, bpmn), (forms_dir, forms)):
        path = folder / CATALOG_FOLDER / f"{locale}.po"
        entries = _entries(path)
        if entries is None:
            problems.append(f"{path}: missing (run `vertrouwd model-texts`)")
            continue
        wanted = distinct(texts)
        for text, wheres in wanted.items():
            problems += [f"{path}: {problem}: {text[:80]!r} ({wheres[0]})"
                         for problem in _entry_problems(text, entries.get(text))]
            if text in entries and seen.setdefault(text, entries[text].string) != entries[text].string:
                problems.append(f"{path}: {text[:80]!r} is translated differently in the other catalog")
        problems += [f"{path}: no longer in the models (run `vertrouwd model-texts`): {text[:80]!r}"
                     for text in entries if text not in wanted]
    return problems


def _entries(path: Path) -> dict | None:
    if not path.is_file():
        return None
    with path.open("rb") as po_file:
        return {message.id: message for message in read_po(po_file) if message.id}


def _entry_problems(text: str, entry) -> list[str]:
    if entry is None:
        return ["not in the catalog (run `vertrouwd model-texts`)"]
    if not isinstance(entry.string, str) or not entry.string.strip():
        return ["no translation"]
    if entry.fuzzy:
        return ["fuzzy (check the translation and remove the flag)"]
    if placeholders(text) != placeholders(entry.string):
        return [f"the translation must keep the Jinja {placeholders(text)}"]
    try:
        _JINJA.parse(entry.string)
    except TemplateSyntaxError as exc:
        return [f"the translation is no valid Jinja ({exc.message})"]
    return []
