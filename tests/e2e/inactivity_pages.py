"""The pages of temporary inactivity for the axe audit (tests/e2e/test_accessibility.py PAGES), reached as people
reach them: the confidant's "Mijn beschikbaarheid" with a refused report, a dossier's sharing panel with a refused
consent, the stand-in reading a shared dossier, and the PAPSY's list of periods and acknowledgement task."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.helpers import OMG_CONFIDANT, OMG_PAPSY

KOEN = "koen.maes@omgeving.vlaanderen.example"


def report_period(page: Page, first: date, last: date, stand_in: str | None = "Koen Maes") -> None:
    page.get_by_role("link", name="Mijn dossiers", exact=True).click()
    page.get_by_role("link", name="Mijn beschikbaarheid").click()
    page.get_by_label("Eerste dag").fill(first.isoformat())
    page.get_by_label("Laatste dag").fill(last.isoformat())
    if stand_in:
        page.get_by_label("Vervanger").select_option(label=stand_in)
    page.get_by_role("button", name="Periode melden").click()


def availability_with_errors(page: Page, base: str, log_in) -> None:
    """A running period with Koen as stand-in, then a second report that overlaps it: refused beside its field."""
    log_in(OMG_CONFIDANT)
    report_period(page, date.today(), date.today() + timedelta(days=7))
    expect(page.get_by_text("Uw periode is gemeld aan de PAPSY")).to_be_visible()
    report_period(page, date.today() + timedelta(days=3), date.today() + timedelta(days=9), stand_in=None)
    expect(page.get_by_role("alert")).to_contain_text("overlapt")


def dossier_share_with_errors(page: Page, base: str, log_in) -> None:
    """A dossier of the inactive confidant: its panel to share it with the stand-in, sent without a consent date."""
    availability_with_errors(page, base, log_in)
    page.get_by_role("link", name="Mijn dossiers", exact=True).click()
    page.get_by_role("link", name="Nieuw verzoek registreren").click()
    page.get_by_label("Geopend op").fill((date.today() - timedelta(days=10)).isoformat())
    page.get_by_label("Conflict").check()
    page.get_by_label("Collega", exact=True).check()
    page.get_by_label("Luisteren en advies").check()
    page.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_role("heading", level=2, name="Delen met mijn vervanger")).to_be_visible()
    page.get_by_label("Hoe gaf de verzoeker toestemming?").select_option(label="telefonisch")
    page.get_by_role("button", name="Delen met Koen Maes").click()
    expect(page.get_by_role("alert")).to_contain_text("toestemming")


def stand_in_reads(page: Page, base: str, log_in) -> None:
    """Shared with consent; Koen opens it from "Ik vervang" on his availability page."""
    dossier_share_with_errors(page, base, log_in)
    page.get_by_label("Datum van de toestemming van de verzoeker").fill(date.today().isoformat())
    page.get_by_label("Hoe gaf de verzoeker toestemming?").select_option(label="telefonisch")
    page.get_by_role("button", name="Delen met Koen Maes").click()
    expect(page.get_by_role("button", name="Niet meer delen")).to_be_visible()
    page.get_by_role("button", name="Afmelden").click()
    log_in(KOEN)
    page.get_by_role("link", name="Mijn dossiers", exact=True).click()
    page.get_by_role("link", name="Mijn beschikbaarheid").click()
    expect(page.get_by_role("heading", level=2, name="Ik vervang")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Dossier \d+$")).click()
    expect(page.get_by_text("U leest dit dossier als vervanger van Sofie Claes")).to_be_visible()


def inactivity_list(page: Page, base: str, log_in) -> None:
    """The PAPSY's list, from the acknowledgement task, after the confidant reported a period with a stand-in."""
    log_in(OMG_CONFIDANT)
    report_period(page, date.today() + timedelta(days=2), date.today() + timedelta(days=9))
    page.get_by_role("button", name="Afmelden").click()
    log_in(OMG_PAPSY)
    page.get_by_role("link", name="Melding van inactiviteit bevestigen").click()
    page.get_by_role("link", name="Alle gemelde periodes van uw entiteiten").click()
    expect(page.get_by_role("cell", name="Sofie Claes", exact=True)).to_be_visible()


def acknowledge_task(page: Page, base: str, log_in) -> None:
    """The PAPSY's acknowledgement task, back from the list: the period reported, the one box to tick."""
    inactivity_list(page, base, log_in)
    page.get_by_role("link", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=2, name="Gemelde periode")).to_be_visible()
