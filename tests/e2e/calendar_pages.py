"""The calendar's pages as a person reaches them (issue 11), for the axe-core audit (tests/e2e/test_accessibility.py):
the month page of a confidant with sessions (one cancelled), and the account page with a new feed link shown."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from app.db import db
from app.intervision import events
from tests.helpers import OMG_CONFIDANT
from tests.intervision.calendar_data import arrange


def arrange_sessions() -> None:
    session = db.session()
    try:
        made = arrange(session)
        events.cancel(session, made.open_session)
        session.commit()
    finally:
        db.session.remove()


def calendar_month(page: Page, base: str, log_in) -> None:
    """March 2027 for the OMG confidant: their group's session, a cancelled open session, a two-day training."""
    arrange_sessions()
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/calendar?month=2027-03")
    expect(page.get_by_role("heading", level=1, name="Agenda")).to_be_visible()
    expect(page.get_by_role("row", name="Groep Noord")).to_be_visible()


def calendar_bad_month(page: Page, base: str, log_in) -> None:
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/calendar?month=2027-13")
    expect(page.get_by_role("alert")).to_contain_text("Deze maand kan niet getoond worden")


def account_calendar_feed(page: Page, base: str, log_in) -> None:
    """The account page right after making a feed link: the link shown once, how to add it, renew and revoke."""
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/account/password")
    page.get_by_role("button", name="Link maken").click()
    expect(page.get_by_label("Link naar uw agenda")).to_be_visible()
    expect(page.get_by_role("button", name="Link intrekken")).to_be_visible()
