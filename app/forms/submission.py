"""Read a posted HTML form into typed data, validate it, and store its files only when all is valid."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Callable

from app.forms import messages
from app.forms.fields import Field
from app.forms.uploads import FileRejected, Upload, read_upload
from app.forms.validation import in_field_order, validate_data

if TYPE_CHECKING:
    from app.forms.definition import FormDefinition

StoreFile = Callable[[Any, bytes, str], str]

_MISSING = object()
# Stands in for a checked, not yet stored file while the rest of the submission is validated.
_PENDING_FILE = "pending-upload"
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


class CoercionError(ValueError):
    """A posted string that cannot become the field's type; ``message`` is the field error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_submission(
    fd: FormDefinition, form: Any, files: Any, store_file: StoreFile | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Coerce the posted strings per schema type, validate, then store the files.

    Returns (data, errors). With errors, data holds what the user typed (also text that
    could not be coerced), for re-rendering the form, and no file has been stored. Posted
    keys that are not fields (csrf_token, ...) are ignored. ``store_file(file_storage,
    content, mimetype)`` returns the reference put in data; it may raise FileRejected. A file
    field without a new upload takes the posted reference of an upload to keep, if any.
    """
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    uploads: dict[str, Upload] = {}
    for field in fd.fields:
        if field.kind == "file":
            _read_file(field, form, files, uploads, data, errors)
        else:
            _read_value(field, form, data, errors)
    pending = {name: _PENDING_FILE for name in uploads}
    for name, message in validate_data(fd, {**data, **pending}).items():
        errors.setdefault(name, message)
    if not errors:
        _store_files(uploads, store_file, data, errors)
    return data, in_field_order(fd, errors)


def coerce(field: Field, form: Any) -> Any:
    """The typed value of one field from the posted form, or _MISSING when not given.

    :raise CoercionError: when the posted text does not fit the field's type.
    """
    if field.kind == "checkbox":
        return field.name in form  # an unticked checkbox is not posted at all
    if field.kind == "checkboxes":
        posted = [item for item in form.getlist(field.name) if item != ""]
        return [_choice(field, item) for item in posted] if posted else _MISSING
    raw = form.get(field.name, "").replace("\r\n", "\n").strip()
    if raw == "":
        return _MISSING
    if field.kind in ("select", "radio"):
        return _choice(field, raw)
    return _scalar(field.value_type, raw)


def _scalar(value_type: str, raw: str) -> Any:
    if value_type == "integer":
        return _integer(raw)
    if value_type == "number":
        return _number(raw)
    if value_type == "boolean":
        if raw not in ("true", "false"):
            raise CoercionError(messages.type_message("boolean"))
        return raw == "true"
    return raw


def _integer(raw: str) -> int:
    if not _INTEGER.fullmatch(raw):
        raise CoercionError(messages.integer_message())
    try:
        return int(raw)
    except ValueError:  # beyond Python's digit limit for int()
        raise CoercionError(messages.integer_message()) from None


def _number(raw: str) -> int | float:
    """Parse a number, accepting a decimal comma as people type it in Flanders."""
    if not _NUMBER.fullmatch(raw):
        raise CoercionError(messages.number_message())
    if _INTEGER.fullmatch(raw):
        return _integer(raw)
    value = float(raw.replace(",", "."))
    if not math.isfinite(value):
        raise CoercionError(messages.number_message())
    return value


def _choice(field: Field, raw: str) -> Any:
    found, value = field.option_for(raw)
    if not found:
        raise CoercionError(messages.choice_message())
    return value


def _read_value(field: Field, form: Any, data: dict, errors: dict) -> None:
    try:
        value = coerce(field, form)
    except CoercionError as exc:
        errors[field.name] = exc.message
        data[field.name] = _raw(field, form)  # keep what was typed, to show it again
        return
    if value is not _MISSING:
        data[field.name] = value


def _raw(field: Field, form: Any) -> Any:
    if field.kind == "checkboxes":
        return form.getlist(field.name)
    return form.get(field.name, "").strip()


def _read_file(field: Field, form: Any, files: Any, uploads: dict, data: dict, errors: dict) -> None:
    try:
        upload = read_upload(files.get(field.name) if files else None, field.accept, field.max_bytes)
    except FileRejected as exc:
        errors[field.name] = str(exc.message)
        return
    if upload is not None:
        uploads[field.name] = upload
    elif kept := form.get(field.name, "").strip():
        data[field.name] = kept  # an earlier upload to keep; the caller checks that it may be kept


def _store_files(uploads: dict[str, Upload], store_file: StoreFile | None, data: dict, errors: dict) -> None:
    """Store the checked files; the caller rolls back when a later one is rejected."""
    if uploads and store_file is None:
        raise TypeError("parse_submission needs store_file for a form with file fields")
    for name, upload in uploads.items():
        try:
            data[name] = store_file(upload.storage, upload.content, upload.mimetype)
        except FileRejected as exc:
            errors[name] = str(exc.message)
