"""R9 in a real browser: a confidant logs in with TOTP, registers a delicate dossier and writes the summary;
closing is refused until the PAPSY took it up; the PAPSY reads the summary and records the consultation; the
confidant closes the dossier. Accessible locators only (label, role, text)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.helpers import OMG_CONFIDANT, OMG_PAPSY

pytestmark = pytest.mark.browser

SUMMARY = "Verzoekster meldt ongewenst gedrag van een collega tijdens dienstreizen; ze wil eerst advies."


def test_r9_delicate_dossier_from_registration_to_closing(page, log_in, log_out, screenshot):
    log_in(OMG_CONFIDANT)
    page.get_by_role("link", name="Mijn dossiers").click()
    page.get_by_role("link", name="Nieuw verzoek registreren").click()
    page.get_by_label("Geopend op").fill("2026-11-02")
    page.get_by_label("Naam of initialen van de verzoeker").fill("K.L.")
    page.get_by_label("Ongewenst seksueel gedrag").check()
    page.get_by_label("Collega").check()
    page.get_by_label("Luisteren en advies").check()
    page.get_by_label("Notitie").fill("Eerste gesprek, verzoekster is aangeslagen.")
    page.get_by_role("button", name="Bewaren").click()

    expect(page.get_by_text("Dit is een delicate zaak: de PAPSY moet betrokken worden")).to_be_visible()
    expect(page.get_by_role("heading", name="Delicate zaak: de PAPSY wordt betrokken")).to_be_visible()
    expect(page.get_by_text("Waarom: ongewenst seksueel gedrag.")).to_be_visible()
    page.get_by_label("Samenvatting voor de PAPSY").fill(SUMMARY)
    page.get_by_role("button", name="Samenvatting versturen").click()
    expect(page.get_by_text("De samenvatting is versleuteld voor de PAPSY")).to_be_visible()
    dossier_url = page.url

    expect(page.get_by_text("U kunt dit dossier afsluiten zodra de PAPSY de zaak opnam")).to_be_visible()
    expect(page.get_by_role("button", name="Afsluiten")).to_have_count(0)
    screenshot("delicate-confidant")
    log_out()

    log_in(OMG_PAPSY)
    page.get_by_role("link", name="Delicate zaak opnemen").click()
    expect(page.get_by_role("heading", name="Samenvatting van de vertrouwenspersoon")).to_be_visible()
    expect(page.get_by_text(SUMMARY)).to_be_visible()
    expect(page.get_by_role("link", name="sofie.claes@omgeving.vlaanderen.example")).to_be_visible()  # whom to consult
    expect(page.get_by_text("K.L.")).to_have_count(0)  # the dossier itself stays with the confidant
    page.get_by_label("Datum van het overleg met de vertrouwenspersoon").fill("2026-11-27")
    page.get_by_label("De formele procedure voorstellen aan de verzoeker").check()
    screenshot("delicate-papsy")
    page.get_by_role("button", name="Taak afwerken").click()
    expect(page.get_by_role("heading", level=1, name="Mijn taken")).to_be_visible()
    page.goto(dossier_url)
    expect(page.get_by_role("heading", level=1, name="Geen toegang")).to_be_visible()  # not the PAPSY's to open
    log_out()

    log_in(OMG_CONFIDANT)
    page.goto(dossier_url)
    expect(page.get_by_text("De PAPSY nam de zaak op en legde het overleg vast.")).to_be_visible()
    expect(page.get_by_text("De formele procedure voorstellen aan de verzoeker")).to_be_visible()
    screenshot("delicate-consulted")
    page.get_by_label("Afgesloten op").fill("2026-11-27")
    page.get_by_label("Doorverwezen naar de formele procedure", exact=True).check()
    page.get_by_role("button", name="Afsluiten").click()
    expect(page.get_by_text("Dossier afgesloten.")).to_be_visible()
