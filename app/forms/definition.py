"""Form definitions: a JSON Schema (draft 2020-12) plus an optional react-jsonschema-form UI schema."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from flask_babel import gettext
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from app.forms.build import build_field
from app.forms.errors import FormError
from app.forms.fields import Field
from app.forms.texts import Translate, translated_form

SCHEMA_SUFFIX = ".schema.json"
UI_SCHEMA_SUFFIX = ".uischema.json"
# Form names are file names in one folder: no paths, no hidden files.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, eq=False)
class FormDefinition:
    """A parsed form: its schema, UI schema, the fields in display order and a ready validator."""

    name: str
    schema: dict[str, Any]
    ui_schema: dict[str, Any]
    fields: list[Field]
    validator: Draft202012Validator = dc_field(repr=False)

    @classmethod
    def from_dicts(cls, name: str, schema: Any, ui_schema: Any = None,
                   translate: Translate | None = None) -> FormDefinition:
        """Check and parse a form given as dicts; ``translate`` turns each of its texts into the reader's language
        (titles, labels, options, help, placeholders, the author's error messages: app/forms/texts.py).

        :raise FormError: when the schema is not valid JSON Schema 2020-12 or has a shape we cannot render.
        """
        if translate is not None:
            schema, ui_schema = translated_form(schema, ui_schema, translate)
        schema, ui_schema = copy.deepcopy(schema), copy.deepcopy(ui_schema or {})
        _check_schema(name, schema)
        if not isinstance(ui_schema, dict):
            raise FormError(gettext("Formulier '%(name)s': het UI-schema moet een object zijn.", name=name))
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        unknown = required - set(properties)
        if unknown:
            raise FormError(gettext(
                "Formulier '%(name)s': verplichte velden zonder eigenschap: %(fields)s.",
                name=name, fields=", ".join(sorted(unknown)),
            ))
        fields = [
            build_field(prop, properties[prop], ui_schema.get(prop), prop in required)
            for prop in _field_order(name, properties, ui_schema.get("ui:order"))
        ]
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        return cls(name, schema, ui_schema, fields, validator)

    @property
    def title(self) -> str:
        return self.schema.get("title") or self.name

    @property
    def description(self) -> str:
        return self.schema.get("description") or ""

    @property
    def has_file_field(self) -> bool:
        return any(field.kind == "file" for field in self.fields)

    @property
    def defaults(self) -> dict[str, Any]:
        """The schema's default values, to pre-fill a form that has no data yet."""
        return {field.name: field.default for field in self.fields if field.default is not None}

    def field(self, name: str) -> Field | None:
        """The field called ``name``, or None."""
        return next((field for field in self.fields if field.name == name), None)


def load_form(directory: Path, name: str, translate: Translate | None = None) -> FormDefinition:
    """Read ``NAME.schema.json`` and the optional ``NAME.uischema.json`` from ``directory``.

    ``name`` may also be given as the schema's file name (``NAME.schema.json``).

    :raise FormError: when the name is not a plain file name, the schema is missing or a file is not JSON.
    """
    name = name.removesuffix(SCHEMA_SUFFIX)
    if not _NAME.match(name) or ".." in name:
        raise FormError(gettext("Ongeldige formuliernaam '%(name)s'.", name=name))
    directory = Path(directory)
    schema_path = directory / (name + SCHEMA_SUFFIX)
    if not schema_path.is_file():
        raise FormError(gettext("Formulier '%(name)s' niet gevonden (%(file)s).", name=name, file=schema_path.name))
    schema = _read_json(schema_path)
    ui_path = directory / (name + UI_SCHEMA_SUFFIX)
    ui_schema = _read_json(ui_path) if ui_path.is_file() else None
    return FormDefinition.from_dicts(name, schema, ui_schema, translate)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FormError(gettext(
            "%(file)s is geen geldige JSON (regel %(line)d, kolom %(column)d): %(reason)s.",
            file=path.name, line=exc.lineno, column=exc.colno, reason=exc.msg,
        )) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise FormError(gettext("%(file)s kan niet gelezen worden.", file=path.name)) from exc


def _check_schema(name: str, schema: Any) -> None:
    if not isinstance(schema, dict):
        raise FormError(gettext("Formulier '%(name)s': het schema moet een object zijn.", name=name))
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(part) for part in exc.absolute_path) or "schema"
        raise FormError(gettext(
            "Formulier '%(name)s' is geen geldig JSON Schema 2020-12 (%(where)s): %(reason)s",
            name=name, where=where, reason=exc.message,
        )) from exc
    if schema.get("type", "object") != "object" or not isinstance(schema.get("properties", {}), dict):
        raise FormError(gettext(
            "Formulier '%(name)s': het schema moet een object met properties zijn.", name=name,
        ))


def _field_order(name: str, properties: dict, order: Any) -> list[str]:
    """Property names in ``ui:order`` (where ``*`` stands for the rest), then the others in schema order."""
    if order is None:
        return list(properties)
    if not isinstance(order, list) or not all(isinstance(item, str) for item in order):
        raise FormError(gettext("Formulier '%(name)s': ui:order moet een lijst van veldnamen zijn.", name=name))
    unknown = [item for item in order if item != "*" and item not in properties]
    if unknown:
        raise FormError(gettext(
            "Formulier '%(name)s': ui:order noemt onbekende velden: %(fields)s.", name=name, fields=", ".join(unknown),
        ))
    rest = [prop for prop in properties if prop not in order]
    if "*" not in order:
        return [*order, *rest]
    star = order.index("*")
    return [*order[:star], *rest, *order[star + 1:]]
