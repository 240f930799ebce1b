"""The authorization matrix of the document library's pages (R16): every route x every actor.

Arranged by the OMG PAPSY: a folder "Wetgeving" with a guide for all confidants, an agreement for OMG's confidants
only (two versions) and an archived brochure. PAPSY, admins and confidants reach the library; EOC secretaries get
403. Only PAPSY and admins make folders, publish, change, add versions, archive and restore. A document outside a
confidant's audience is 404, as one that does not exist. Allowed POSTs must have their effect, refused ones (and every
GET) must leave the library as it was.
"""
from __future__ import annotations

from io import BytesIO
import pytest
from sqlalchemy import select

from app.library import services
from app.models import LibraryDocument, LibraryFolder, LibraryVersion, OutboxMessage, StoredFile
from tests.helpers import OMG_PAPSY, entity, user
from tests.library.files import checked, docx, folder, publish
from tests.web.matrix_support import act, app, cells, redirected_to, store  # noqa: F401 (the fixtures app and store)
from tests.web.test_authorization_matrix import EMAILS

LOGIN, FOLDER, NEW_FOLDER, DOCUMENT, NEW_DOCUMENT, ARCHIVED = \
    "->login", "->folder", "->new folder", "->document", "->new document", "->archived document"
ALLOWED = {FOLDER, NEW_FOLDER, DOCUMENT, NEW_DOCUMENT, ARCHIVED}
F, D = "/library/folders/<id:folder_id>", "/library/documents/<id:document_id>"
ARRANGED = "arranged"

# method, url_map rule, url, scenario, effect when allowed | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", "/library/", "/library/", ARRANGED, None, LOGIN, 200, 403, 200, 403, 200, 200, 200),
    ("POST", "/library/folders", "/library/folders", ARRANGED, "folder_made",
     LOGIN, 403, 403, NEW_FOLDER, 403, NEW_FOLDER, 403, NEW_FOLDER),
    ("GET", F, "/library/folders/{folder}", ARRANGED, None, LOGIN, 200, 403, 200, 403, 200, 200, 200),
    ("POST", F, "/library/folders/{folder}", ARRANGED, "folder_renamed",
     LOGIN, 403, 403, FOLDER, 403, FOLDER, 403, FOLDER),
    ("GET", "/library/documents/new", "/library/documents/new", ARRANGED, None,
     LOGIN, 403, 403, 200, 403, 200, 403, 200),
    ("POST", "/library/documents/new", "/library/documents/new", ARRANGED, "published",
     LOGIN, 403, 403, NEW_DOCUMENT, 403, NEW_DOCUMENT, 403, NEW_DOCUMENT),
    # OMG's agreement: OMG's confidant reads it; AWV's is told it does not exist.
    ("GET", D, "/library/documents/{omg}", ARRANGED, None, LOGIN, 200, 403, 200, 403, 200, 404, 200),
    ("GET", D + "/edit", "/library/documents/{omg}/edit", ARRANGED, None, LOGIN, 403, 403, 200, 403, 200, 403, 200),
    ("POST", D + "/edit", "/library/documents/{omg}/edit", ARRANGED, "changed",
     LOGIN, 403, 403, DOCUMENT, 403, DOCUMENT, 403, DOCUMENT),
    ("POST", D + "/versions", "/library/documents/{omg}/versions", ARRANGED, "versioned",
     LOGIN, 403, 403, DOCUMENT, 403, DOCUMENT, 403, DOCUMENT),
    ("POST", D + "/archive", "/library/documents/{omg}/archive", ARRANGED, "archived",
     LOGIN, 403, 403, DOCUMENT, 403, DOCUMENT, 403, DOCUMENT),
    ("POST", D + "/restore", "/library/documents/{archived}/restore", ARRANGED, "restored",
     LOGIN, 403, 403, ARCHIVED, 403, ARCHIVED, 403, ARCHIVED),
    ("GET", D + "/download", "/library/documents/{omg}/download", ARRANGED, None,
     LOGIN, 200, 403, 200, 403, 200, 404, 200),
    ("GET", D + "/versions/<id:number>/download", "/library/documents/{omg}/versions/1/download", ARRANGED, None,
     LOGIN, 200, 403, 200, 403, 200, 404, 200),
]
CELLS = cells(MATRIX)


def arrange(store) -> dict:
    papsy = user(store, OMG_PAPSY)
    shelf = folder(store, papsy, "Wetgeving")
    publish(store, papsy, shelf.id, "Gids voor vertrouwenspersonen")
    omg = publish(store, papsy, shelf.id, "Afspraken met het EOC", entity_id=entity(store, "OMG").id)
    services.add_version(store, papsy, omg.id, checked(docx(), "afspraken.docx"))
    archived = publish(store, papsy, shelf.id, "Brochure 2024")
    services.archive(store, papsy, archived)
    store.commit()
    return {"folder": shelf.id, "omg": omg.id, "archived": archived.id, "awv_entity": entity(store, "AWV").id}


def snapshot(store) -> dict:
    state = {
        "folders": store.execute(select(LibraryFolder.id, LibraryFolder.name, LibraryFolder.description)
                                 .order_by(LibraryFolder.id)).all(),
        "documents": store.execute(select(LibraryDocument.id, LibraryDocument.folder_id, LibraryDocument.title,
                                          LibraryDocument.entity_id, LibraryDocument.created_by_id,
                                          LibraryDocument.published_at, LibraryDocument.archived_at)
                                   .order_by(LibraryDocument.id)).all(),
        "versions": store.execute(select(LibraryVersion.document_id, LibraryVersion.number, LibraryVersion.file_name,
                                         LibraryVersion.uploaded_by_id).order_by(LibraryVersion.id)).all(),
        "files": store.scalars(select(StoredFile.id)).all(),
        "mails": store.scalars(select(OutboxMessage.id)).all(),
    }
    store.rollback()
    return state


def body(template: str, ids: dict) -> dict:
    if template == "/library/folders":
        return {"name": "Vormingsmateriaal", "description": "Presentaties van de vormingen."}
    if template.startswith("/library/folders/"):
        return {"name": "Wetten en regels", "description": ""}
    if template == "/library/documents/new":
        return {"folder": str(ids["folder"]), "title": "Jaarverslag", "audience": "all",
                "file": (BytesIO(docx("jaarverslag")), "Jaarverslag.docx")}
    if template.endswith("/edit"):
        return {"folder": str(ids["folder"]), "title": "Afspraken met het EOC (herzien)",
                "audience": str(ids["awv_entity"])}
    if template.endswith("/versions"):
        return {"file": (BytesIO(docx("versie 3")), "afspraken v3.docx")}
    return {}


def assert_outcome(response, expected, ids: dict) -> None:
    where = redirected_to(response, expected)
    if where is None:
        return
    if expected in (NEW_FOLDER, NEW_DOCUMENT):
        prefix = "/library/folders/" if expected == NEW_FOLDER else "/library/documents/"
        assert where.startswith(prefix) and where.removeprefix(prefix).isdigit()
    else:
        wanted = {LOGIN: "/login", FOLDER: f"/library/folders/{ids['folder']}",
                  DOCUMENT: f"/library/documents/{ids['omg']}", ARCHIVED: f"/library/documents/{ids['archived']}"}
        assert where == wanted[expected]


def assert_effect(store, effect, allowed: bool, actor: str, ids: dict, before: dict, after: dict) -> None:
    if effect is None or not allowed:
        assert after == before, "a refused request (or a GET) changed the library"
        return
    actor_id = user(store, EMAILS[actor]).id
    store.rollback()
    changed = {key: [row for row in after[key] if row not in before[key]] for key in ("folders", "documents",
                                                                                      "versions")}
    assert after["mails"] == before["mails"], "the digest tells of documents, not each request"
    if effect == "folder_made":
        assert [row.name for row in changed["folders"]] == ["Vormingsmateriaal"] and changed["documents"] == []
    elif effect == "folder_renamed":
        assert [(row.id, row.name) for row in changed["folders"]] == [(ids["folder"], "Wetten en regels")]
    elif effect == "published":
        assert [(row.title, row.entity_id, row.created_by_id) for row in changed["documents"]] == \
            [("Jaarverslag", None, actor_id)]
        assert [(row.number, row.file_name) for row in changed["versions"]] == [(1, "Jaarverslag.docx")]
    elif effect == "changed":
        assert [(row.id, row.title, row.entity_id) for row in changed["documents"]] == \
            [(ids["omg"], "Afspraken met het EOC (herzien)", ids["awv_entity"])]
        assert changed["versions"] == []
    elif effect == "versioned":
        assert [(row.document_id, row.number, row.uploaded_by_id) for row in changed["versions"]] == \
            [(ids["omg"], 3, actor_id)]
        assert [row.id for row in changed["documents"]] == [ids["omg"]]  # published again, for the digest
    elif effect in ("archived", "restored"):
        target = ids["omg"] if effect == "archived" else ids["archived"]
        assert [(row.id, row.archived_at is None) for row in changed["documents"]] == \
            [(target, effect == "restored")]
    else:
        raise AssertionError(f"unknown effect {effect}")


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_matrix(app, store, row, actor, expected):
    method, _rule, template, _scenario, effect = row[:5]
    ids = arrange(store)
    response, before = act(app, store, actor, method, template.format(**ids), snapshot, body(template, ids),
                           content_type="multipart/form-data")
    assert_outcome(response, expected, ids)
    assert_effect(store, effect, expected in ALLOWED, actor, ids, before, snapshot(store))
