"""File fields: limits, type detection by magic bytes, and reading an uploaded file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

# The types we can recognise by their first bytes; the client's mimetype is never trusted.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
TYPE_NAMES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
DEFAULT_ACCEPT = ("application/pdf", "image/png", "image/jpeg")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


class FileRejected(Exception):
    """An uploaded file that may not be stored; ``message`` is shown to the user as the field error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Upload:
    """A checked upload, waiting to be stored once the whole submission is valid."""

    storage: Any  # werkzeug FileStorage
    content: bytes
    mimetype: str


def sniff_mimetype(content: bytes) -> str | None:
    """Return the mimetype that the content's magic bytes show, or None when unknown."""
    for signature, mimetype in SIGNATURES:
        if content.startswith(signature):
            return mimetype
    return None


def type_list(accept: tuple[str, ...]) -> str:
    """Name the accepted types for people: 'PDF, PNG, JPEG'."""
    return ", ".join(TYPE_NAMES[mimetype] for mimetype in accept)


def size_text(max_bytes: int) -> str:
    """Show a byte limit in MB or kB, the way people read it."""
    mebibyte = 1024 * 1024
    if max_bytes >= mebibyte:
        return f"{max_bytes / mebibyte:g} MB".replace(".", ",")
    return f"{max(1, max_bytes // 1024)} kB"


def read_upload(storage: Any, accept: tuple[str, ...], max_bytes: int) -> Upload | None:
    """Read and check one posted file; None when no file was given.

    :raise FileRejected: when the file is too big or not of an accepted type.
    """
    if storage is None:
        return None
    content = storage.stream.read(max_bytes + 1)
    if not content:
        return None  # an empty file input posts an empty part: not given
    if len(content) > max_bytes:
        raise FileRejected(gettext("Het bestand is te groot (hoogstens %(size)s).", size=size_text(max_bytes)))
    mimetype = sniff_mimetype(content)
    if mimetype not in accept:
        raise FileRejected(gettext("Dit bestandstype is niet toegestaan. Toegelaten: %(types)s.", types=type_list(accept)))
    storage.stream.seek(0)
    return Upload(storage, content, mimetype)
