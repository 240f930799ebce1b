"""R19 in a real browser: a confidant lays down her role; a hand-over without the requester's consent is refused
with the reason; she hands one dossier over to a colleague with the consent recorded and closes the other; her task
is done; the colleague opens the dossier handed to him. Accessible locators only (label, role, text)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.lifecycle import resignation
from tests.e2e.resignation_pages import OMG_SECOND, arrange
from tests.helpers import OMG_CONFIDANT

pytestmark = pytest.mark.browser


def test_r19_resignation_with_one_dossier_handed_over_and_one_closed(page, live_server, log_in, log_out,
                                                                     screenshot):
    handed, closed = arrange()
    today = resignation.today()
    log_in(OMG_CONFIDANT)
    page.get_by_role("link", name="Netwerk").click()
    page.get_by_role("link", name="Ik leg mijn rol neer").click()
    page.get_by_label("Datum van ingang").fill((today + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Mijn rol neerleggen").click()
    expect(page.get_by_text("De PAPSY en de EOC-secretaris zijn op de hoogte gebracht.")).to_be_visible()
    expect(page.get_by_text("U hebt nog 2 open dossiers")).to_be_visible()
    screenshot("resignation-started")

    page.get_by_role("link", name="Mijn open dossiers afsluiten of overdragen").click()
    row = page.get_by_role("region", name=f"Dossier {handed}")
    row.get_by_label("Aan wie").select_option(label="Koen Maes (Vertrouwenspersoon)")
    row.get_by_role("button", name=f"Dossier {handed} overdragen").click()
    expect(page.get_by_role("alert")).to_contain_text("Zonder de toestemming van de verzoeker")
    screenshot("hand-over-refused")
    row = page.get_by_role("region", name=f"Dossier {handed}")
    row.get_by_label("Aan wie").select_option(label="Koen Maes (Vertrouwenspersoon)")
    row.get_by_label("Datum van de toestemming van de verzoeker").fill(today.isoformat())
    row.get_by_label("Hoe de verzoeker toestemming gaf").select_option(label="telefonisch")
    row.get_by_role("button", name=f"Dossier {handed} overdragen").click()
    expect(page.get_by_text(f"Dossier {handed} is overgedragen aan Koen Maes.")).to_be_visible()
    expect(page.get_by_role("table", name="Overgedragen dossiers")).to_contain_text("telefonisch")

    page.get_by_role("link", name=f"Dossier {closed} afsluiten").click()
    page.get_by_label("Afgesloten op").fill(today.isoformat())
    page.get_by_label("Opgelost", exact=True).check()
    page.get_by_role("button", name="Afsluiten").click()
    expect(page.get_by_text("Dossier afgesloten.")).to_be_visible()
    page.goto(f"{live_server}/role-endings/mine")
    expect(page.get_by_text("Al uw dossiers zijn afgesloten of overgedragen")).to_be_visible()
    screenshot("resignation-settled")

    page.get_by_role("link", name="Mijn taken").click()
    page.get_by_role("link", name="Open dossiers afsluiten of overdragen").click()
    page.get_by_label("Al mijn dossiers zijn afgesloten of overgedragen").check()
    page.get_by_role("button", name="Taak afwerken").click()
    expect(page.get_by_role("heading", level=1, name="Mijn taken")).to_be_visible()
    log_out()

    log_in(OMG_SECOND)
    page.get_by_role("link", name="Mijn dossiers").click()
    page.get_by_role("link", name=f"Dossier {handed}").click()
    expect(page.get_by_text("Verzoeker 0")).to_be_visible()  # the receiver reads the dossier and its notes
    expect(page.get_by_text("Eerste gesprek.")).to_be_visible()
    screenshot("receiver-reads")
