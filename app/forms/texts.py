"""The texts of a form that people read: which keys of a schema and a UI schema hold them.

One walker serves both the extractor (which texts need a translation) and the translation itself (a copy of the
form with each text replaced), so the two can never disagree about what counts as a text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

# JSON Schema keywords whose string value is shown: a field's or option's title, a help or form description.
SCHEMA_TEXT_KEYS = frozenset({"title", "description"})
# UI-schema keys shown to people (rjsf names); ``ui:enumNames`` is a list of option labels.
UI_TEXT_KEYS = frozenset({"ui:title", "ui:description", "ui:help", "ui:placeholder"})
UI_TEXT_LISTS = frozenset({"ui:enumNames"})
# The author's own validation messages (ajv-errors): a string, or an object of strings (per keyword, per field).
ERROR_MESSAGE = "errorMessage"

Translate = Callable[[str], str]


def translated_form(schema: Any, ui_schema: Any, translate: Translate) -> tuple[Any, Any]:
    """Copies of ``schema`` and ``ui_schema`` with every text passed through ``translate``; the rest untouched."""
    visit = lambda _where, text: translate(text)  # noqa: E731
    return _schema_copy(schema, visit), _ui_copy(ui_schema, visit)


def form_texts(schema: Any, ui_schema: Any) -> Iterator[tuple[str, str]]:
    """Every text of the form as (where, text): where is a JSON pointer, prefixed with ``ui`` for the UI schema."""
    found: list[tuple[str, str]] = []

    def note(prefix: str) -> _Visit:
        def visit(where: str, text: str) -> str:
            found.append((prefix + where, text))
            return text
        return visit

    _schema_copy(schema, note(""))
    _ui_copy(ui_schema, note("ui"))
    yield from found


_Visit = Callable[[str, str], str]  # (JSON pointer, text) -> the text to put there


def _schema_copy(node: Any, visit: _Visit, pointer: str = "") -> Any:
    if isinstance(node, list):
        return [_schema_copy(item, visit, f"{pointer}/{index}") for index, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    copy: dict[str, Any] = {}
    for key, value in node.items():
        where = f"{pointer}/{key}"
        if key in SCHEMA_TEXT_KEYS and isinstance(value, str):
            copy[key] = _text(value, visit, where)
        elif key == ERROR_MESSAGE:
            copy[key] = _all_strings(value, visit, where)
        elif key in ("properties", "$defs", "dependentSchemas", "patternProperties"):
            # property names are data keys, never texts: a property called "title" stays a property
            copy[key] = ({name: _schema_copy(sub, visit, f"{where}/{name}") for name, sub in value.items()}
                         if isinstance(value, dict) else value)
        elif key in ("enum", "const", "default", "examples", "required"):
            copy[key] = value  # values, not texts
        else:
            copy[key] = _schema_copy(value, visit, where)
    return copy


def _ui_copy(node: Any, visit: _Visit, pointer: str = "") -> Any:
    if not isinstance(node, dict):
        return node
    copy: dict[str, Any] = {}
    for key, value in node.items():
        where = f"{pointer}/{key}"
        if key in UI_TEXT_KEYS and isinstance(value, str):
            copy[key] = _text(value, visit, where)
        elif key in UI_TEXT_LISTS and isinstance(value, list):
            copy[key] = [_text(item, visit, f"{where}/{index}") if isinstance(item, str) else item
                         for index, item in enumerate(value)]
        elif key.startswith("ui:"):
            copy[key] = value  # widgets, order, options, the subject field: settings, not texts
        else:
            copy[key] = _ui_copy(value, visit, where)
    return copy


def _all_strings(node: Any, visit: _Visit, pointer: str) -> Any:
    if isinstance(node, str):
        return _text(node, visit, pointer)
    if isinstance(node, dict):
        return {key: _all_strings(value, visit, f"{pointer}/{key}") for key, value in node.items()}
    return node


def _text(value: str, visit: _Visit, pointer: str) -> str:
    return visit(pointer, value) if value.strip() else value
