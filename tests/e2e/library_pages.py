"""The library's pages as a person reaches them (R16), for the axe-core audit (tests/e2e/test_accessibility.py): the
PAPSY's overview with its folder form, a folder and a search as a confidant, a document with two versions as the
PAPSY, and the publish form refused."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.db import db
from app.library import services
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, entity, user
from tests.library.files import checked, docx, folder, publish


def arrange_library() -> dict[str, int]:
    """A folder "Wetgeving" with a guide in two versions, an agreement for OMG only and an archived brochure."""
    session = db.session()
    try:
        papsy = user(session, OMG_PAPSY)
        shelf = folder(session, papsy, "Wetgeving", "Wetten, omzendbrieven en wat ze voor vertrouwenspersonen "
                                                    "betekenen.")
        folder(session, papsy, "Vormingsmateriaal")
        guide = publish(session, papsy, shelf.id, "Gids voor vertrouwenspersonen",
                        description="Wat een vertrouwenspersoon doet, en wat niet: het informele verzoek, de "
                                    "doorverwijzing naar de PAPSY en het beroepsgeheim.")
        services.add_version(session, papsy, guide.id, checked(docx(), "Gids voor vertrouwenspersonen 2027.docx"))
        publish(session, papsy, shelf.id, "Afspraken met het EOC", entity_id=entity(session, "OMG").id,
                description="Hoe de vertrouwenspersonen van Omgeving met het EOC samenwerken.")
        services.archive(session, papsy, publish(session, papsy, shelf.id, "Brochure 2024"))
        session.commit()
        return {"folder": shelf.id, "guide": guide.id}
    finally:
        db.session.remove()


def library_overview(page: Page, base: str, log_in) -> None:
    """The PAPSY's overview: folders, the newest publications, and a new folder refused for a taken name."""
    arrange_library()
    log_in(OMG_PAPSY)
    page.get_by_role("link", name="Netwerk").click()
    page.get_by_role("link", name="Documenten", exact=True).click()
    page.get_by_label(re.compile("^Naam")).fill("wetgeving")
    page.get_by_role("button", name="Map maken").click()
    expect(page.get_by_role("alert")).to_contain_text("al een map met deze naam")


def library_folder(page: Page, base: str, log_in) -> None:
    ids = arrange_library()
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/library/folders/{ids['folder']}")
    expect(page.get_by_role("link", name="Afspraken met het EOC", exact=True)).to_be_visible()


def library_search(page: Page, base: str, log_in) -> None:
    arrange_library()
    log_in(OMG_CONFIDANT)
    page.get_by_role("link", name="Netwerk").click()
    page.get_by_role("link", name="Documenten", exact=True).click()
    page.get_by_label("Zoek in titels en beschrijvingen").fill("vertrouwenspersonen")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("status")).to_contain_text("2 documenten gevonden")


def library_document(page: Page, base: str, log_in) -> None:
    """The PAPSY on a document with an older version, after a new version refused (the same file again)."""
    ids = arrange_library()
    log_in(OMG_PAPSY)
    page.goto(f"{base}/library/documents/{ids['guide']}")
    page.locator("#field-file").set_input_files(
        files=[{"name": "gids.docx", "mimeType": "application/octet-stream", "buffer": docx()}])
    page.get_by_role("button", name="Versie opladen").click()
    expect(page.get_by_role("alert")).to_contain_text("hetzelfde als de huidige versie")


def library_publish_errors(page: Page, base: str, log_in) -> None:
    """The publish form sent without a title and with a text file named .pdf."""
    arrange_library()
    log_in(OMG_PAPSY)
    page.goto(f"{base}/library/documents/new")
    page.get_by_label(re.compile("^Map")).select_option(label="Wetgeving")
    page.get_by_label(re.compile("^Bestand")).set_input_files(
        files=[{"name": "verslag.pdf", "mimeType": "application/pdf", "buffer": b"geen pdf"}])
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_role("alert")).to_contain_text("niet aanvaard")
