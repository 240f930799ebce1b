"""The compliance pages for the axe audit (tests/e2e/test_accessibility.py PAGES): a PAPSY's view of their entity
this year, the same with a year that cannot be read, and a confidant's home page with their own intervision."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.helpers import OMG_CONFIDANT, OMG_PAPSY


def compliance_view(page: Page, base: str, log_in) -> None:
    log_in(OMG_PAPSY)
    page.goto(f"{base}/compliance")
    expect(page.get_by_role("heading", name="Opvolging intervisie en opleiding")).to_be_visible()
    expect(page.get_by_role("cell", name="Sofie Claes", exact=True)).to_be_visible()


def compliance_bad_year(page: Page, base: str, log_in) -> None:
    log_in(OMG_PAPSY)
    page.goto(f"{base}/compliance?year=twintig&entity=OMG")
    expect(page.get_by_text("Het jaar moet een jaartal zijn")).to_be_visible()


def confidant_home_intervision(page: Page, base: str, log_in) -> None:
    log_in(OMG_CONFIDANT)
    expect(page.get_by_role("heading", name="halve dagen")).to_be_visible()
