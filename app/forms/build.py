"""Turn one schema property and its UI-schema entry into a Field, refusing shapes we cannot render."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, lazy_gettext

from app.forms.errors import FormError
from app.forms.fields import Field, token
from app.forms.uploads import DEFAULT_ACCEPT, DEFAULT_MAX_BYTES, TYPE_NAMES

VALUE_TYPES = ("string", "integer", "number", "boolean", "array")
# The rjsf widgets we render; a kind follows from the widget and the property's type.
WIDGETS = ("text", "textarea", "updown", "select", "radio", "checkbox", "checkboxes", "hidden", "file")
CONSTRAINTS = (
    "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "const",
)
PYTHON_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,)}
EXTENSIONS = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def build_field(name: str, prop: Any, ui: Any, required: bool) -> Field:
    """Build the Field of property ``name``.

    :raise FormError: for a property shape or widget that the form renderer does not support.
    """
    if not isinstance(prop, dict) or "$ref" in prop:
        raise _error(name, gettext("alleen een eenvoudig schema-object wordt ondersteund (geen $ref)"))
    ui = ui if ui is not None else {}
    if not isinstance(ui, dict):
        raise _error(name, gettext("de UI-schema-ingang moet een object zijn"))
    value_type = prop.get("type")
    if value_type not in VALUE_TYPES:
        raise _error(name, gettext("geef één type op: string, integer, number, boolean of array"))
    options = _options(name, prop, ui)
    kind = _kind(name, prop, ui.get("ui:widget"), options)
    if options is None and kind in ("select", "radio"):
        options = [(True, lazy_gettext("Ja")), (False, lazy_gettext("Nee"))]  # a boolean as a choice
    return Field(
        name=name,
        label=ui.get("ui:title") or prop.get("title") or name,
        kind=kind,
        required=prop.get("const") is True if kind == "checkbox" else required,
        help=ui.get("ui:help") or prop.get("description") or "",
        options=options or [],
        constraints=_constraints(name, prop, ui, kind),
        placeholder=ui.get("ui:placeholder") or "",
        ui_options=dict(ui.get("ui:options") or {}),
        value_type=value_type,
        default=prop.get("default"),
    )


def _error(name: str, reason: str) -> FormError:
    return FormError(gettext("Veld '%(name)s': %(reason)s.", name=name, reason=reason))


def _kind(name: str, prop: dict, widget: Any, options: list | None) -> str:
    """Decide how the field renders; a checkbox never needs a value, so a required boolean is a const."""
    if widget is not None and widget not in WIDGETS:
        raise _error(name, gettext("onbekende ui:widget (gebruik %(known)s)", known=", ".join(WIDGETS)))
    value_type = prop["type"]
    if widget == "hidden":
        return _pick(name, widget, {"hidden": "hidden"} if value_type != "array" else {})
    if widget == "file" or prop.get("format") == "data-url":
        return _pick(name, widget, {None: "file", "file": "file"} if value_type == "string" else {})
    if value_type == "array":
        if options is None:
            raise _error(name, gettext("een lijst moet keuzes hebben (items met enum of oneOf/const)"))
        return _pick(name, widget, {None: "checkboxes", "checkboxes": "checkboxes"})
    if value_type == "boolean":
        return _pick(name, widget, {None: "checkbox", "checkbox": "checkbox", "radio": "radio", "select": "select"})
    if options is not None:
        return _pick(name, widget, {None: "select", "select": "select", "radio": "radio"})
    if value_type == "string":
        plain = {"date": "date", "email": "email"}.get(prop.get("format"), "text")
        return _pick(name, widget, {None: plain, "text": plain, "textarea": "textarea"})
    return _pick(name, widget, {None: value_type, "updown": value_type, "text": value_type})


def _pick(name: str, widget: Any, allowed: dict) -> str:
    if widget not in allowed:
        raise _error(name, gettext("de ui:widget '%(widget)s' past niet bij dit type", widget=widget))
    return allowed[widget]


def _options(name: str, prop: dict, ui: dict) -> list[tuple[Any, Any]] | None:
    """The (value, label) choices: ``enum`` with ``ui:enumNames``, or ``oneOf`` of ``const``/``title``."""
    source, names = prop, ui.get("ui:enumNames")
    if prop.get("type") == "array":
        source = prop.get("items")
        if not isinstance(source, dict):
            return None
        names = names or (ui.get("items") or {}).get("ui:enumNames")
    if "enum" in source:
        values = list(source["enum"])
        if names is not None and (not isinstance(names, list) or len(names) != len(values)):
            raise _error(name, gettext("ui:enumNames moet evenveel namen hebben als enum waarden"))
        options = list(zip(values, names or [token(value) for value in values]))
    else:
        choices = source.get("oneOf") or source.get("anyOf")
        if not choices or not all(isinstance(choice, dict) and "const" in choice for choice in choices):
            return None
        options = [(choice["const"], choice.get("title") or token(choice["const"])) for choice in choices]
    _check_option_types(name, options, source.get("type"))
    return options


def _check_option_types(name: str, options: list, value_type: Any) -> None:
    expected = PYTHON_TYPES.get(value_type)
    for value, _label in options:
        wrong_bool = isinstance(value, bool) and value_type != "boolean"
        if expected and (wrong_bool or not isinstance(value, expected)):
            raise _error(name, gettext("een keuzewaarde past niet bij het type %(type)s", type=value_type))


def _constraints(name: str, prop: dict, ui: dict, kind: str) -> dict[str, Any]:
    found = {key: prop[key] for key in CONSTRAINTS if key in prop}
    if kind == "file":
        found.update(_file_limits(name, ui.get("ui:options") or {}))
    return found


def _file_limits(name: str, options: dict) -> dict[str, Any]:
    """Read ``accept`` (mimetypes or extensions, list or comma-separated) and ``maxBytes``."""
    accept = options.get("accept", DEFAULT_ACCEPT)
    if isinstance(accept, str):
        accept = [part.strip() for part in accept.split(",")]
    mimetypes = tuple(dict.fromkeys(EXTENSIONS.get(str(item).lower(), item) for item in accept))
    if not mimetypes or any(mimetype not in TYPE_NAMES for mimetype in mimetypes):
        raise _error(name, gettext("ui:options.accept mag enkel application/pdf, image/png en image/jpeg bevatten"))
    max_bytes = options.get("maxBytes", DEFAULT_MAX_BYTES)
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise _error(name, gettext("ui:options.maxBytes moet een positief geheel getal zijn"))
    return {"accept": mimetypes, "maxBytes": max_bytes}
