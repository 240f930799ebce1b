"""Small real documents made here with zipfile (no fixtures on disk), and a way to hand them to the services as the
upload a browser sends; shared by the library's tests, its authorization matrix and its pages."""
from __future__ import annotations

import struct
import zipfile
from io import BytesIO

from werkzeug.datastructures import FileStorage

from app.library import content, services
from app.library.forms import DocumentDetails, FolderDetails

DATE = (2027, 1, 4, 9, 0, 0)
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def zipped(entries: dict[str, bytes | str], stored_first: str | None = None) -> bytes:
    """A ZIP of ``entries``, the same bytes every time (a fixed date on each entry)."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if stored_first:  # OpenDocument: the mimetype entry first and not compressed
            archive.writestr(zipfile.ZipInfo(stored_first, DATE), entries.pop(stored_first), zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, DATE), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def docx(text: str = "Hallo") -> bytes:
    return zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": f"<w:document>{text}</w:document>"})


def xlsx() -> bytes:
    return zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})


def odt() -> bytes:
    return zipped({"mimetype": content.ODT, "content.xml": "<office:document-content/>"}, stored_first="mimetype")


def lying_odt(hidden: int = 1024 * 1024) -> bytes:
    """An OpenDocument file whose "mimetype" entry declares 39 bytes in both headers but inflates to ``hidden``."""
    data = bytearray(zipped({"mimetype": bytes(hidden), "content.xml": "<office:document-content/>"}))
    struct.pack_into("<I", data, 22, len(content.ODT))  # the local header's uncompressed size
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, len(content.ODT))  # the central directory's
    return bytes(data)


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=BytesIO(data), filename=name)


def checked(data: bytes = PDF, name: str = "gids.pdf") -> content.CheckedFile:
    return content.read_checked(upload(data, name))


def folder(session, user, name: str = "Wetgeving", description: str | None = None):
    return services.create_folder(session, user, FolderDetails(name, description))


def publish(session, user, folder_id: int, title: str = "Gids voor vertrouwenspersonen", entity_id: int | None = None,
            description: str | None = None, data: bytes = PDF, name: str = "gids.pdf"):
    return services.publish(session, user, DocumentDetails(folder_id, title, description, entity_id),
                            checked(data, name))
