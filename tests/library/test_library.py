"""R16: the document library. PAPSY and admins publish documents (PDF, DOCX, XLSX, ODT, told by their content, at most
20 MB) in folders, for all confidants or one entity's; a new version keeps the old ones. Confidants browse, search
and download; what is new reaches them in a weekly digest mail, once."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from werkzeug.test import encode_multipart

from app import periodic
from app.clock import now
from app.db import db
from app.engine.errors import InvalidData, NotAllowed, NotFound
from app.forms.uploads import FileRejected
from app.library import content, digest, listing, services
from app.models import (
    Confidant,
    ConfidantStatus,
    LibraryDigest,
    LibraryDocument,
    LibraryVersion,
    OutboxMessage,
    StoredFile,
)
from tests.helpers import (
    ADMIN,
    AWV_CONFIDANT,
    AWV_PAPSY,
    OMG_CONFIDANT,
    OMG_PAPSY,
    OMG_SECRETARY,
    csrf_token,
    entity,
    login,
    user,
)
from tests.library.files import PDF, checked, docx, folder, lying_odt, odt, publish, upload, xlsx, zipped

BRUSSELS = ZoneInfo("Europe/Brussels")


def titles(rows) -> list[str]:
    return [row.title for row in rows]


def test_r16_publish_and_new_version_keeps_the_old(session, time_machine):
    time_machine.move_to("2027-03-01 09:00:00+00:00", tick=False)
    papsy, admin = user(session, OMG_PAPSY), user(session, ADMIN)
    document = publish(session, papsy, folder(session, papsy).id, data=PDF, name="gids.pdf")
    time_machine.move_to("2027-03-10 09:00:00+00:00", tick=False)
    second = services.add_version(session, admin, document.id, checked(docx(), "Gids versie 2.docx"))
    session.commit()

    assert second.number == 2 and document.published_at == second.uploaded_at  # the digest will tell of it
    assert [(v.number, v.file_name, mimetype) for v, _size, mimetype, _by in listing.versions(session, document.id)] \
        == [(2, "Gids versie 2.docx", content.DOCX), (1, "gids.pdf", content.PDF)]
    reader = user(session, OMG_CONFIDANT)
    assert services.version_to_download(session, reader, document.id).number == 2
    assert services.version_to_download(session, reader, document.id, 1).file.content == PDF
    with pytest.raises(InvalidData) as same:
        services.add_version(session, admin, document.id, checked(docx(), "nogmaals.docx"))
    assert "hetzelfde" in same.value.errors["file"]
    services.archive(session, papsy, document)
    with pytest.raises(InvalidData):
        services.add_version(session, papsy, document.id, checked(xlsx(), "tabel.xlsx"))
    with pytest.raises(NotAllowed):
        services.add_version(session, reader, document.id, checked(odt(), "tekst.odt"))
    session.rollback()
    assert session.scalar(select(func.count()).select_from(LibraryVersion)) == 2
    # A library file is no upload a task form may carry, nor one the task file route serves.
    assert session.scalars(select(StoredFile.uploaded_by_id)).all() == [None, None]


def test_r16_audience_one_entity(session):
    papsy = user(session, AWV_PAPSY)
    shelf = folder(session, papsy)
    for_all = publish(session, papsy, shelf.id, "Brochure voor iedereen")
    for_omg = publish(session, papsy, shelf.id, "Afspraken Omgeving", entity_id=entity(session, "OMG").id)
    gone = publish(session, papsy, shelf.id, "Oude brochure")
    services.archive(session, papsy, gone)
    session.commit()

    omg, awv = user(session, OMG_CONFIDANT), user(session, AWV_CONFIDANT)
    assert titles(listing.folder_documents(session, omg, shelf.id)) == ["Afspraken Omgeving", "Brochure voor iedereen"]
    assert titles(listing.folder_documents(session, awv, shelf.id)) == ["Brochure voor iedereen"]
    assert titles(listing.folder_documents(session, papsy, shelf.id)) == ["Afspraken Omgeving",
                                                                          "Brochure voor iedereen", "Oude brochure"]
    assert titles(listing.search(session, awv, "afspraken").rows) == []
    assert services.find_document(session, omg, for_omg.id) == for_omg
    omg_only, empty = folder(session, papsy, "Omgeving intern"), folder(session, papsy, "Leeg")
    publish(session, papsy, omg_only.id, "Afsprakennota", entity_id=entity(session, "OMG").id)
    assert services.find_folder(session, omg, omg_only.id) == omg_only
    assert services.find_folder(session, papsy, empty.id) == empty  # who manages sees every folder
    for reader, shown in [(awv, omg_only), (omg, empty)]:  # as unknown as a folder that does not exist
        with pytest.raises(NotFound):
            services.find_folder(session, reader, shown.id)
    for reader, document in [(awv, for_omg), (omg, gone), (awv, gone)]:
        with pytest.raises(NotFound):
            services.find_document(session, reader, document.id)
    with pytest.raises(NotAllowed):  # the employer side sees nothing of the library
        services.find_document(session, user(session, OMG_SECRETARY), for_all.id)

    confidant = session.scalar(select(Confidant).where(Confidant.email == OMG_CONFIDANT))
    confidant.status = ConfidantStatus.INACTIVE  # temporarily inactive: still reads
    session.flush()
    assert services.find_document(session, omg, for_all.id) == for_all
    confidant.status = ConfidantStatus.FORMER  # the role ended: nothing more
    session.flush()
    with pytest.raises(NotAllowed):
        services.find_document(session, omg, for_all.id)
    assert listing.folder_rows(session, omg) == []


@pytest.mark.parametrize(("data", "name", "refusal"), [
    (b"Dit is tekst, geen PDF.", "verslag.pdf", "niet aanvaard"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200), "uitnodiging.docx", "niet aanvaard"),  # a program, renamed
    (zipped({"readme.txt": "geen document"}), "brief.docx", "geen Word-"),
    (zipped({"word/document.xml": "<w/>", "word/vbaProject.bin": "macro"}), "brief.docx", "macro"),
    (zipped({"word/document.xml": bytes(20 * 1024 * 1024)}), "bom.docx", "pakt uit"),  # 20 MB of zeros in ~20 kB
    (b"PK\x03\x04 kapot", "kapot.docx", "beschadigd"),
    (lying_odt(), "tekst.odt", "beschadigd"),  # inflates past its declared size: read no further, refused
    (PDF, "gids.docx", "eindigt op .pdf"),  # the extension must name the type the content is
    (docx(), "brief.pdf", "eindigt op .docx"),
])
def test_r16_type_checked_by_content(app, data, name, refusal):
    with app.test_request_context(), pytest.raises(FileRejected) as refused:
        content.read_checked(upload(data, name))
    assert refusal in refused.value.message


def test_r16_real_documents_of_each_type_are_accepted(app):
    with app.test_request_context():
        found = {name: content.read_checked(upload(data, name)).mimetype
                 for name, data in [("a.pdf", PDF), ("b.DOCX", docx()), ("c.xlsx", xlsx()), ("d.odt", odt())]}
        assert found == {"a.pdf": content.PDF, "b.DOCX": content.DOCX, "c.xlsx": content.XLSX, "d.odt": content.ODT}
        assert content.read_checked(upload(PDF, "C:\\Users\\x\\Mijn \"gids\".pdf")).file_name == "Mijn _gids_.pdf"
        assert content.read_checked(upload(b"", "leeg.pdf")) is None


def post_file(client, url: str, data: bytes, name: str, page_url: str | None = None, **fields):
    """POST a form with a file as a browser does, after GETting its page; the body is built in memory (the test
    client's own temporary file for a large body is never closed)."""
    form = client.get(page_url or url.removesuffix("/versions")).get_data(as_text=True)
    boundary, body = encode_multipart({**fields, "csrf_token": csrf_token(form), "file": upload(data, name)})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_r16_twenty_megabytes_at_most(app, store):
    papsy = user(store, OMG_PAPSY)
    shelf = folder(store, papsy)
    store.commit()
    client = app.test_client()
    login(client, OMG_PAPSY)
    fields = {"folder": str(shelf.id), "title": "Jaarverslag", "audience": "all"}
    just_over = PDF + bytes(content.MAX_BYTES + 1 - len(PDF))  # read, and refused beside the field
    response = post_file(client, "/library/documents/new", just_over, "jaarverslag.pdf", **fields)
    assert response.status_code == 422
    assert "te groot: hoogstens 20 MB" in response.get_data(as_text=True)
    far_over = PDF + bytes(content.MAX_REQUEST_BYTES)  # refused before the form is read: the form again, saying why
    response = post_file(client, "/library/documents/new", far_over, "jaarverslag.pdf", **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "te groot: hoogstens 20 MB" in page and 'name="title"' in page
    assert store.scalar(select(func.count()).select_from(LibraryDocument)) == 0
    exactly = PDF + bytes(content.MAX_BYTES - len(PDF))
    response = post_file(client, "/library/documents/new", exactly, "jaarverslag.pdf", **fields)
    assert response.status_code == 302
    assert store.scalar(select(StoredFile.size)) == content.MAX_BYTES


def test_r16_search_titles_and_descriptions(session):
    papsy = user(session, OMG_PAPSY)
    shelf = folder(session, papsy)
    publish(session, papsy, shelf.id, "Grensoverschrijdend gedrag", description="Wat te doen bij PESTEN op het werk")
    publish(session, papsy, shelf.id, "Pestprotocol", description="Het protocol")
    publish(session, papsy, shelf.id, "100% zeker", description="Een titel met een procentteken")
    session.commit()
    reader = user(session, AWV_CONFIDANT)
    assert titles(listing.search(session, reader, "pest").rows) == ["Pestprotocol", "Grensoverschrijdend gedrag"]
    assert titles(listing.search(session, reader, "  PROTOCOL ").rows) == ["Pestprotocol"]
    assert titles(listing.search(session, reader, "%").rows) == ["100% zeker"]  # a % is a character, not a wildcard
    assert listing.search(session, reader, "verlof").rows == []


def test_r16_download_headers(app, store):
    papsy = user(store, OMG_PAPSY)
    document = publish(store, papsy, folder(store, papsy).id, data=docx(), name="Rôle en afspraken.docx")
    store.commit()
    client = app.test_client()
    login(client, AWV_CONFIDANT)
    response = client.get(f"/library/documents/{document.id}/download")
    assert response.status_code == 200 and response.data == docx()
    assert response.mimetype == content.DOCX
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''R%C3%B4le%20en%20afspraken.docx" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/library/documents/{document.id}/versions/2/download").status_code == 404


def test_r16_weekly_digest(app, session, time_machine):
    time_machine.move_to("2027-02-24 09:00:00+00:00", tick=False)
    papsy = user(session, OMG_PAPSY)
    shelf = folder(session, papsy, "Brochures")
    old = publish(session, papsy, shelf.id, "Oude brochure")
    session.commit()
    time_machine.move_to("2027-03-01 09:00:00+00:00", tick=False)  # Monday 10:00 in Brussels
    assert periodic.run_due(db.session, BRUSSELS, ["library.digest"]) == ["library.digest"]
    first = mails_by_recipient(session)
    assert set(first) == {OMG_CONFIDANT, AWV_CONFIDANT, "koen.maes@omgeving.vlaanderen.example",
                          "tom.peeters@wegenenverkeer.vlaanderen.example"}  # every active confidant, once

    time_machine.move_to("2027-03-03 12:00:00+00:00", tick=False)
    services.add_version(session, papsy, old.id, checked(docx(), "brochure.docx"))
    publish(session, papsy, shelf.id, "Afspraken Omgeving", entity_id=entity(session, "OMG").id)
    gone = publish(session, papsy, shelf.id, "Ingetrokken")
    services.archive(session, papsy, gone)
    former = session.scalar(select(Confidant).where(Confidant.email == "koen.maes@omgeving.vlaanderen.example"))
    former.status = ConfidantStatus.FORMER
    session.commit()
    time_machine.move_to("2027-03-08 06:30:00+00:00", tick=False)  # Monday 07:30: not yet
    assert periodic.run_due(db.session, BRUSSELS, ["library.digest"]) == []
    time_machine.move_to("2027-03-08 07:05:00+00:00", tick=False)  # Monday 08:05
    assert periodic.run_due(db.session, BRUSSELS, ["library.digest"]) == ["library.digest"]
    second = {to: body for to, body in mails_by_recipient(session).items() if to not in first or body != first[to]}
    assert set(second) == {OMG_CONFIDANT, AWV_CONFIDANT, "tom.peeters@wegenenverkeer.vlaanderen.example"}
    assert "Afspraken Omgeving (Brochures): nieuw" in second[OMG_CONFIDANT]
    assert "Oude brochure (Brochures): nieuwe versie 2" in second[OMG_CONFIDANT]
    assert "Afspraken Omgeving" not in second[AWV_CONFIDANT] and "Ingetrokken" not in second[AWV_CONFIDANT]
    assert f"/library/documents/{old.id}" in second[AWV_CONFIDANT]

    time_machine.move_to("2027-03-15 07:05:00+00:00", tick=False)  # a week with nothing new: no mail at all
    before = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert periodic.run_due(db.session, BRUSSELS, ["library.digest"]) == ["library.digest"]
    assert digest.send_weekly_digest(session, now()) == 0  # the same period again: never twice
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == before
    periods = session.execute(select(LibraryDigest.period_end, LibraryDigest.mails).order_by(LibraryDigest.id)).all()
    assert [(end.astimezone(BRUSSELS).strftime("%a %d %H:%M"), mails) for end, mails in periods] == [
        ("Mon 01 08:00", 4), ("Mon 08 08:00", 3), ("Mon 15 08:00", 0)]


def mails_by_recipient(session) -> dict[str, str]:
    session.expire_all()
    rows = session.execute(select(OutboxMessage.to_address, OutboxMessage.body)
                           .where(OutboxMessage.kind == digest.LIBRARY_DIGEST).order_by(OutboxMessage.id)).all()
    latest = {}
    for to, body in rows:
        latest[to] = body
    assert len(rows) == len({(to, body) for to, body in rows}), "a confidant got the same digest twice"
    return latest


def test_r16_a_new_version_far_over_the_limit_is_refused_on_the_documents_page(app, store):
    papsy = user(store, OMG_PAPSY)
    document = publish(store, papsy, folder(store, papsy).id)
    store.commit()
    client = app.test_client()
    login(client, OMG_PAPSY)
    url = f"/library/documents/{document.id}/versions"
    response = post_file(client, url, PDF + bytes(content.MAX_REQUEST_BYTES), "gids.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "te groot: hoogstens 20 MB" in page and "Nieuwe versie opladen" in page
    response = post_file(client, f"/library/documents/{document.id + 1}/versions",  # a document that does not exist
                         PDF + bytes(content.MAX_REQUEST_BYTES), "gids.pdf", page_url=url.removesuffix("/versions"))
    assert response.status_code == 413 and "te groot" in response.get_data(as_text=True)
    assert store.scalar(select(func.count()).select_from(LibraryVersion)) == 1
