"""The pages of the register of facts by third parties (R20) and the contacts with the PAPSY (R21) for the axe audit
(tests/e2e/test_accessibility.py PAGES), reached as people reach them: a refused fact, a recorded fact with its
measure form, the entity's anonymous report of a published year as the PAPSY sees it, and the PAPSY's contacts with one logged."""
from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.db import db
from app.models import Confidant, ThirdPartyFact
from app.register import report
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY


def open_register(page: Page) -> None:
    page.get_by_role("link", name="Netwerk", exact=True).click()
    page.get_by_role("link", name="Register derden").click()


def register_fact_errors(page: Page, base: str, log_in) -> None:
    """A fact sent without its kind and description: refused beside each field."""
    log_in(OMG_CONFIDANT)
    open_register(page)
    page.get_by_role("link", name="Een feit registreren").click()
    page.get_by_label("Datum van het feit").fill((date.today() + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_role("alert")).to_contain_text("toekomst")


def register_fact(page: Page, base: str, log_in) -> None:
    """A recorded fact: its facts, the description, and the form to propose a measure."""
    log_in(OMG_CONFIDANT)
    open_register(page)
    page.get_by_role("link", name="Een feit registreren").click()
    page.get_by_label("Datum van het feit").fill((date.today() - timedelta(days=2)).isoformat())
    page.get_by_label("Aard van het feit").select_option(label="Geweld")
    page.get_by_label("Waar gebeurde het?").select_option(label="Aan het loket")
    page.get_by_label("Wie was de derde?").select_option(label="Burger")
    page.get_by_label("Beschrijving").fill("Een bezoeker werd agressief aan het loket.")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_role("heading", level=2, name="Preventiemaatregelen")).to_be_visible()


def arrange_published_facts() -> int:
    """Six facts of Sofie's in the newest published year (the report shows published years only): its year."""
    session = db.session()
    try:
        year = report.last_published_year(date.today())
        sofie = session.scalar(select(Confidant).where(Confidant.email == OMG_CONFIDANT))
        session.add_all([ThirdPartyFact(confidant_id=sofie.id, entity_id=sofie.entity_id, occurred_on=date(year, 5, 4),
                                        kind="violence", context="counter", third_party="citizen")
                         for _ in range(6)])
        session.commit()
        return year
    finally:
        db.session.remove()


def register_report(page: Page, base: str, log_in) -> None:
    """The entity's anonymous report of a published year, with counts, as its PAPSY sees it (with the list of
    measures)."""
    year = arrange_published_facts()
    log_in(OMG_PAPSY)
    page.get_by_role("link", name="Netwerk", exact=True).click()
    page.get_by_role("link", name="Register derden").click()
    expect(page.get_by_role("heading", level=2, name="Aard en plaats")).to_be_visible()
    expect(page.get_by_role("table", name=f"Feiten door derden in {year}, per kwartaal")).to_contain_text("6")


def papsy_contacts(page: Page, base: str, log_in) -> None:
    """The PAPSY logs a contact with a confidant of their entities; the list shows it."""
    log_in(OMG_PAPSY)
    page.get_by_role("link", name="Netwerk", exact=True).click()
    page.get_by_role("link", name="Contacten PAPSY").click()
    page.get_by_label("Datum").fill(date.today().isoformat())
    page.get_by_label("Soort contact").select_option(label="Overleg")
    page.get_by_label("Met vertrouwenspersoon").select_option(label="Sofie Claes")
    page.get_by_role("button", name="Contact noteren").click()
    expect(page.get_by_text("Het contact is genoteerd.")).to_be_visible()
