"""The library's part of the demo (`vertrouwd demo`): two folders, a guide in two versions (a PDF, then a Word file),
an agreement for the OMG confidants only and a checklist, published by the OMG PAPSY. The files are small but real:
they open in a PDF reader and in Word."""
from __future__ import annotations

import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.library import content, services
from app.library.forms import DocumentDetails, FolderDetails
from app.models import Entity, LibraryFolder, User

PAPSY_EMAIL = "luc.vandenbroeck@gdpb.vlaanderen.example"


def load_library_demo(session: Session) -> list[str]:
    """Make the demo library when there is none yet; returns a line for what was made."""
    papsy = session.scalar(select(User).where(User.email == PAPSY_EMAIL))
    omg = session.scalar(select(Entity).where(Entity.code == "OMG"))
    if papsy is None or omg is None or session.scalar(select(LibraryFolder.id).limit(1)) is not None:
        return []
    rules = services.create_folder(session, papsy, FolderDetails(
        "Wetgeving en kader", "De wet, de werking van het netwerk en wat dat voor vertrouwenspersonen betekent."))
    tools = services.create_folder(session, papsy, FolderDetails("Hulpmiddelen", "Checklists en sjablonen."))
    guide = _publish(session, papsy, rules.id, "Gids voor vertrouwenspersonen", None,
                     "Wat een vertrouwenspersoon doet en wat niet: het informele verzoek, de doorverwijzing naar de "
                     "PAPSY en het beroepsgeheim.", pdf("Gids voor vertrouwenspersonen"), "gids.pdf")
    services.add_version(session, papsy, guide.id, _checked(
        docx("Gids voor vertrouwenspersonen, versie 2"), "Gids voor vertrouwenspersonen.docx"))
    _publish(session, papsy, rules.id, "Afspraken met het EOC van Omgeving", omg.id,
             "Hoe de vertrouwenspersonen van Omgeving met het EOC samenwerken.",
             docx("Afspraken met het EOC"), "afspraken-eoc.docx")
    _publish(session, papsy, tools.id, "Checklist eerste gesprek", None,
             "Waar u op let in een eerste gesprek met een verzoeker.", pdf("Checklist eerste gesprek"),
             "checklist.pdf")
    return ["the document library: 2 folders, 3 documents (one for Omgeving only, one in two versions)"]


def _publish(session: Session, papsy: User, folder_id: int, title: str, entity_id: int | None, description: str,
             data: bytes, name: str):
    return services.publish(session, papsy, DocumentDetails(folder_id, title, description, entity_id),
                            _checked(data, name))


def _checked(data: bytes, name: str) -> content.CheckedFile:
    return content.CheckedFile(data, content.detect(data), name)


def pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII), with a correct cross-reference table."""
    line = text.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 770 Td (" + line + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = BytesIO(b"%PDF-1.4\n"), []
    out.seek(0, 2)
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx(text: str) -> bytes:
    """A Word document of one paragraph."""
    word = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
        'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
        '/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{word}"><w:body><w:p><w:r>'
        f'<w:t>{escape(text)}</w:t></w:r></w:p></w:body></w:document>',
    }
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (2027, 1, 4, 9, 0, 0)), part, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
