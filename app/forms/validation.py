"""Validate form data against its JSON Schema and turn the errors into one Dutch message per field."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from jsonschema.exceptions import ValidationError

from app.forms import messages

if TYPE_CHECKING:
    from app.forms.definition import FormDefinition


def validate_data(fd: FormDefinition, data: Any) -> dict[str, str]:
    """Check ``data`` (a submission or JSON API input) against the form; {} when it is valid.

    Keys are field names, '' for the form as a whole; one message per field (the first found),
    in the order of the form's fields. Keys that the schema does not know are refused as a whole,
    so nothing outside the form can reach the workflow data.
    """
    if not isinstance(data, dict):
        return {"": messages.not_an_object_message()}
    found: dict[str, str] = {}
    if any(key not in fd.schema.get("properties", {}) for key in data):
        found[""] = messages.unknown_fields_message()
    for name, value in data.items():
        if _has_control_characters(value):
            found[str(name)] = messages.control_characters_message()
    seen_required: Counter = Counter()
    for error in fd.validator.iter_errors(data):
        name = _field_of(error, seen_required)
        if name not in found:
            found[name] = _message(fd, name, error)
    return in_field_order(fd, found)


# Control characters (tab and newlines are text; PostgreSQL refuses NUL) and lone surrogates (not UTF-8).
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_INT_RANGE = range(-(2**63), 2**63)  # what the workflow state (JSON) keeps exactly


def is_clean_text(value: str) -> bool:
    """True for text that can be stored and looked up as it is."""
    return _NOT_TEXT.search(value) is None


def _has_control_characters(value: Any) -> bool:
    if isinstance(value, str):
        return not is_clean_text(value)
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value not in _INT_RANGE
    if isinstance(value, list):
        return any(_has_control_characters(item) for item in value)
    return False


def in_field_order(fd: FormDefinition, errors: dict[str, str]) -> dict[str, str]:
    """Sort errors as the form shows them: form-level first, then field by field."""
    order = {"": -1, **{field.name: index for index, field in enumerate(fd.fields)}}
    return dict(sorted(errors.items(), key=lambda item: order.get(item[0], len(order))))


def _field_of(error: ValidationError, seen_required: Counter) -> str:
    """The field an error belongs to: the first path element, or the missing property of ``required``."""
    if error.absolute_path:
        return str(error.absolute_path[0])
    if error.validator != "required" or not isinstance(error.instance, dict):
        return ""
    # jsonschema yields one error per missing property, in the order of the keyword's list,
    # but does not name the property in a field: count the errors of this keyword instead.
    missing = [prop for prop in error.validator_value if prop not in error.instance]
    key = id(error.schema)
    index = seen_required[key]
    seen_required[key] += 1
    return missing[index] if index < len(missing) else ""


def _message(fd: FormDefinition, name: str, error: ValidationError) -> str:
    custom = messages.custom_message(fd.schema, name, str(error.validator))
    return custom if custom is not None else messages.default_message(error)
