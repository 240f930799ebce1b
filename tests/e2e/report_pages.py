"""The report pages (R7) for the axe audit (tests/e2e/test_accessibility.py PAGES) and the journey: a network's worth
of dossiers (tests/reports/support.py), the PAPSY's network report, and an EOC secretary's refused choice."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from app.db import db
from tests.helpers import OMG_PAPSY, OMG_SECRETARY
from tests.reports.support import arrange


def arrange_reports() -> dict:
    session = db.session()
    try:
        return arrange(session, count=300)
    finally:
        db.session.remove()


def report_network(page: Page, base: str, log_in) -> None:
    arrange_reports()
    log_in(OMG_PAPSY)
    page.get_by_role("link", name="Rapporten").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapport: Het netwerk")
    expect(page.get_by_role("table", name="Thema's")).to_be_visible()


def report_entity_quarter(page: Page, base: str, log_in) -> None:
    arrange_reports()
    log_in(OMG_SECRETARY)
    page.get_by_role("link", name="Rapporten").click()
    page.get_by_label("Periode").select_option(label="Kwartaal 2")
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Departement Omgeving, kwartaal 2")
