"""What the library accepts (R16): PDF, Word (DOCX), Excel (XLSX) and OpenDocument text (ODT) of at most 20 MB,
its type told by the content and never by the name or the browser. The three office formats are ZIP files: they are
opened (not unpacked) and must hold the part their format requires; the file's extension must name the type found."""
from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from flask_babel import gettext

from app.forms.uploads import FileRejected, size_text

MAX_BYTES = 20 * 1024 * 1024
# The request may be a little larger than the file: the form's other fields and the multipart framing.
MAX_REQUEST_BYTES = MAX_BYTES + 256 * 1024
# A ZIP that says it unpacks to far more than an office document does is refused unopened (a "ZIP bomb"): these
# limits are the declared sizes of its entries, read from its directory, never by unpacking.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_RATIO = 100  # unpacked / packed over the whole file, beyond the first MB unpacked
MAX_ENTRIES = 10_000

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", ODT: "odt"}
TYPE_NAMES = {PDF: "PDF", DOCX: "Word (DOCX)", XLSX: "Excel (XLSX)", ODT: "OpenDocument (ODT)"}
ACCEPT = ".pdf,.docx,.xlsx,.odt"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


@dataclass(frozen=True)
class CheckedFile:
    """A file the library may keep: its bytes, the type its content shows, and a name safe to send back."""

    content: bytes
    mimetype: str
    file_name: str


def accepted_types() -> str:
    """'PDF, Word (DOCX), Excel (XLSX), OpenDocument (ODT)'."""
    return ", ".join(TYPE_NAMES.values())


def too_large_message() -> str:
    return gettext("Het bestand is te groot: hoogstens %(size)s. Er werd niets bewaard.", size=size_text(MAX_BYTES))


def read_checked(storage: Any) -> CheckedFile | None:
    """Read and check one posted file (a werkzeug FileStorage); None when none was chosen.

    :raise FileRejected: too large, of a type the library does not take, or named for another type.
    """
    if storage is None:
        return None
    content = storage.stream.read(MAX_BYTES + 1)  # never more than one byte past the limit
    if not content:
        return None
    if len(content) > MAX_BYTES:
        raise FileRejected(too_large_message())
    mimetype = detect(content)
    name = safe_file_name(storage.filename or "")
    if not name.lower().endswith("." + EXTENSIONS[mimetype]):
        raise FileRejected(gettext("De naam van het bestand past niet bij de inhoud: dit is een %(type)s-bestand, "
                                   "dus de naam eindigt op .%(extension)s.", type=TYPE_NAMES[mimetype],
                                   extension=EXTENSIONS[mimetype]))
    return CheckedFile(content, mimetype, name)


def detect(content: bytes) -> str:
    """The library type the bytes are.

    :raise FileRejected: when they are none of them.
    """
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"PK\x03\x04"):
        return _office_type(content)
    raise FileRejected(gettext("Dit bestandstype wordt niet aanvaard. Toegelaten: %(types)s.", types=accepted_types()))


def safe_file_name(name: str) -> str:
    """The last part of what the browser sent, without control characters, quotes or separators; at most 120
    characters, keeping the extension."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if dot and len(extension) <= 10:
        return f"{stem[:110].strip(' .') or 'document'}.{extension}"
    return name[:120] or "document"


def _office_type(content: bytes) -> str:
    try:
        archive = zipfile.ZipFile(BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError):
        raise FileRejected(_damaged_message()) from None
    _check_unpacked_sizes(entries, len(content))
    names = {entry.filename for entry in entries}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRejected(gettext("Documenten met macro's worden niet aanvaard. Bewaar het als gewoon document "
                                   "zonder macro's en laad het opnieuw op."))
    if _odf_mimetype(archive, entries) == ODT:
        return ODT
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    raise FileRejected(gettext("Dit ZIP-bestand is geen Word-, Excel- of OpenDocument-document. Toegelaten: "
                               "%(types)s.", types=accepted_types()))


def _check_unpacked_sizes(entries: list[zipfile.ZipInfo], packed: int) -> None:
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED_BYTES or (
            unpacked > 1024 * 1024 and unpacked > MAX_RATIO * packed):
        raise FileRejected(_unpacks_too_much_message())


def _damaged_message() -> str:
    return gettext("Dit bestand is beschadigd of geen geldig document.")


def _unpacks_too_much_message() -> str:
    return gettext("Dit bestand pakt uit tot veel meer dan een gewoon document en wordt daarom niet aanvaard.")


def _odf_mimetype(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> str | None:
    """The ``mimetype`` entry of an OpenDocument file (a few dozen bytes, read only when it says it is small)."""
    entry = next((entry for entry in entries if entry.filename == "mimetype"), None)
    if entry is None or entry.file_size > 200:
        return None
    try:
        return _read_entry(archive, entry, 200).decode("ascii").strip()
    except (ValueError, NotImplementedError, RuntimeError):  # not text, or packed in a way we do not open
        return None


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> bytes:
    """At most ``limit`` bytes of an entry, inflated as they are read: never ``archive.read``, which inflates the
    whole entry whatever the directory declares. The reader stops at the declared size, so an entry that holds more
    than it declares fails its checksum there and the file is refused.

    :raise FileRejected: the entry is damaged, holds more than it declares, or more than ``limit``.
    """
    try:
        with archive.open(entry) as part:
            data = part.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise FileRejected(_damaged_message()) from None
    if len(data) > limit:
        raise FileRejected(_unpacks_too_much_message())
    return data
