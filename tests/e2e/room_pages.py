"""The conversation room's pages as a person reaches them, for the axe-core audit (tests/e2e/test_accessibility.py):
a confidant's week with their booking, another's request and a free time, the request form refused, and the PAPSY's
requests with one that overlaps a booking."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from app.db import db
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, OMG_PAPSY
from tests.room.room_data import KOEN, approved, ask, working_day


def arrange_week():
    """Koen asked 10:30-12:00 and Sofie 10:00-11:00, which Luc approved; Els asked 14:00-15:00."""
    session, day = db.session(), working_day()
    try:
        ask(session, KOEN, day, "10:30", "12:00")
        approved(session, OMG_CONFIDANT, day, "10:00", "11:00")
        ask(session, AWV_CONFIDANT, day, "14:00", "15:00")
        session.commit()
    finally:
        db.session.remove()
    return day


def room_week(page: Page, base: str, log_in) -> None:
    day = arrange_week()
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/room/?week={day.isoformat()}")
    expect(page.get_by_role("heading", level=1, name="Gesprekslokaal Herman Teirlinckgebouw")).to_be_visible()
    expect(page.get_by_role("link", name="Agendabestand")).to_be_visible()


def room_request_refused(page: Page, base: str, log_in) -> None:
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/room/")
    page.get_by_role("textbox", name="Dag").fill(working_day().isoformat())
    page.get_by_role("combobox", name="Van").select_option("11:00")
    page.get_by_role("combobox", name="Tot").select_option("10:00")
    page.get_by_role("button", name="Aanvragen", exact=True).click()
    expect(page.get_by_text("Het einde moet na het begin liggen.")).to_be_visible()


def room_requests(page: Page, base: str, log_in) -> None:
    arrange_week()
    log_in(OMG_PAPSY)
    page.goto(f"{base}/room/requests")
    expect(page.get_by_role("heading", level=1, name="Aanvragen gesprekslokaal")).to_be_visible()
    expect(page.get_by_text("al gereserveerd", exact=True)).to_be_visible()
