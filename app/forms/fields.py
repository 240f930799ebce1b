"""One input of a form: what the templates render and what a submission is read into."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

from flask_babel import gettext

from app import ui
from app.forms.uploads import DEFAULT_ACCEPT, DEFAULT_MAX_BYTES, size_text, type_list

KINDS = (
    "text", "textarea", "email", "date", "number", "integer", "select",
    "radio", "checkbox", "checkboxes", "file", "hidden",
)
# The <input type> of the kinds that render as a plain <input>.
INPUT_TYPES = {
    "text": "text", "email": "email", "date": "date", "number": "number",
    "integer": "number", "checkbox": "checkbox", "file": "file",
}
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def token(value: Any) -> str:
    """The string a value is posted and shown as: 'true'/'false' for booleans, '' for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True, eq=False)
class Field:
    """One input of a form, built from a schema property and its UI-schema entry.

    ``options`` holds (value, label) pairs for select, radio and checkboxes; ``constraints``
    the schema keywords that limit the value (minLength, maximum, format, accept, maxBytes, ...).
    """

    name: str
    label: str
    kind: str
    required: bool = False
    help: str = ""
    options: list[tuple[Any, str]] = dc_field(default_factory=list)
    constraints: dict[str, Any] = dc_field(default_factory=dict)
    placeholder: str = ""
    ui_options: dict[str, Any] = dc_field(default_factory=dict)
    value_type: str = "string"
    default: Any = None

    @property
    def id(self) -> str:
        """The HTML id of the field (of the first input for radio and checkbox groups)."""
        return "field-" + _ID_UNSAFE.sub("-", self.name)

    @property
    def help_id(self) -> str:
        return self.id + "-help"

    @property
    def error_id(self) -> str:
        return self.id + "-error"

    @property
    def accept(self) -> tuple[str, ...]:
        return tuple(self.constraints.get("accept", DEFAULT_ACCEPT))

    @property
    def max_bytes(self) -> int:
        return int(self.constraints.get("maxBytes", DEFAULT_MAX_BYTES))

    @property
    def has_help(self) -> bool:
        return bool(self.help) or self.kind == "file"

    def file_hint(self) -> str:
        """Tell the user which files a file field takes."""
        return gettext(
            "Toegelaten: %(types)s, hoogstens %(size)s.",
            types=type_list(self.accept), size=size_text(self.max_bytes),
        )

    def option_id(self, index: int) -> str:
        """The id of the index-th input of a group; the first one carries the field id."""
        return self.id if index == 0 else f"{self.id}-{index + 1}"

    def token(self, value: Any) -> str:
        return token(value)

    def option_for(self, posted: str) -> tuple[bool, Any]:
        """Map a posted string back to the option value: (found, value)."""
        for value, _label in self.options:
            if token(value) == posted:
                return True, value
        return False, None

    def is_selected(self, option: Any, value: Any) -> bool:
        """Whether an option is the value (or one of the values, for checkboxes)."""
        chosen = value if isinstance(value, list) else [value]
        return any(item is not None and token(item) == token(option) for item in chosen)

    def label_for(self, value: Any) -> str:
        """The label of one option value, or the value itself when it is not an option."""
        for option, label in self.options:
            if token(option) == token(value):
                return str(label)
        if isinstance(value, bool):
            return gettext("Ja") if value else gettext("Nee")
        return token(value)

    def display(self, value: Any) -> str:
        """Show a submitted value read-only: labels for options, Ja/Nee, 'bestand' for files."""
        if value is None or value == [] or value == "":
            return gettext("niet ingevuld")
        if self.kind == "file":
            return gettext("bestand")
        if self.kind == "date" and isinstance(value, str):
            return _readable_date(value)
        if isinstance(value, list):
            return ", ".join(self.label_for(item) for item in value)
        return self.label_for(value)

    def input_attrs(self, error: str | None = None) -> dict[str, str]:
        """The attributes of the field's <input>, <textarea> or <select>, for ``xmlattr``."""
        attrs = {"id": self.id, "name": self.name}
        if self.kind in INPUT_TYPES:
            attrs["type"] = INPUT_TYPES[self.kind]
        attrs.update(self._constraint_attrs())
        if self.placeholder and self.kind in ("text", "textarea", "email", "number", "integer"):
            attrs["placeholder"] = self.placeholder
        if self.required:
            attrs["required"] = "required"
            attrs["aria-required"] = "true"
        return {**attrs, **self._aria(error)}

    def group_attrs(self, error: str | None = None) -> dict[str, str]:
        """The attributes of the <fieldset> of a radio or checkboxes group."""
        attrs: dict[str, str] = {}
        if self.kind == "radio":
            # a radiogroup may carry aria-required/aria-invalid; a plain group may not
            attrs["role"] = "radiogroup"
            if self.required:
                attrs["aria-required"] = "true"
            return {**attrs, **self._aria(error)}
        return {key: value for key, value in self._aria(error).items() if key != "aria-invalid"}

    def describedby(self, error: str | None) -> str:
        ids = [self.help_id] if self.has_help else []
        if error:
            ids.append(self.error_id)
        return " ".join(ids)

    def _aria(self, error: str | None) -> dict[str, str]:
        attrs = {}
        if error:
            attrs["aria-invalid"] = "true"
        if described := self.describedby(error):
            attrs["aria-describedby"] = described
        return attrs

    def _constraint_attrs(self) -> dict[str, str]:
        limits = self.constraints
        if self.kind in ("text", "textarea", "email"):
            pairs = (("minlength", "minLength"), ("maxlength", "maxLength"))
            return {attr: token(limits[key]) for attr, key in pairs if key in limits}
        if self.kind in ("number", "integer"):
            attrs = {attr: token(limits[key]) for attr, key in (("min", "minimum"), ("max", "maximum")) if key in limits}
            step = limits.get("multipleOf", 1 if self.kind == "integer" else "any")
            return {**attrs, "step": token(step)}
        if self.kind == "file":
            return {"accept": ",".join(self.accept)}
        return {}


def _readable_date(value: str) -> str:
    """'2026-10-15' in the pages' one date style ("15 okt. 2026", app/ui.py); the raw text when it is not a date."""
    try:
        return ui.format_date(date.fromisoformat(value))
    except ValueError:
        return value
