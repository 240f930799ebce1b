"""The lists of confidants for the axe audit (tests/e2e/test_accessibility.py PAGES): the published list as anyone
opens it (no login), the GDPB's list of all appointed with an inactive and a former confidant, and a confidant's own
details refused with a message per field."""
from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.db import db
from app.models import Confidant, ConfidantStatus, InactivityPeriod
from app.ui import local_today
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, OMG_PAPSY


def arrange_lists() -> None:
    """Els (AWV) gave her phone and work location; Sofie (OMG) is inactive for two months; Koen (OMG) left."""
    session = db.session()
    try:
        rows = {row.email: row for row in session.scalars(select(Confidant))}
        els, sofie = rows[AWV_CONFIDANT], rows[OMG_CONFIDANT]
        els.phone, els.work_location = "+32 475 12 34 56", "Koning Albert II-laan 20, Brussel"
        sofie.status = ConfidantStatus.INACTIVE
        today = local_today()
        session.add(InactivityPeriod(confidant_id=sofie.id, starts_on=today, ends_on=today + timedelta(days=60)))
        koen = next(row for row in rows.values() if row.name == "Koen Maes")
        koen.status, koen.ended_on = ConfidantStatus.FORMER, date(2026, 11, 30)
        session.commit()
    finally:
        db.session.remove()


def published_list(page: Page, base: str, log_in) -> None:
    arrange_lists()
    page.goto(f"{base}/vertrouwenspersonen")
    expect(page.get_by_role("heading", level=1, name="Vertrouwenspersonen van de Vlaamse overheid")).to_be_visible()
    expect(page.get_by_role("link", name="+32 475 12 34 56")).to_be_visible()


def full_list(page: Page, base: str, log_in) -> None:
    arrange_lists()
    log_in(OMG_PAPSY)
    page.goto(f"{base}/roster/?status=all")
    expect(page.get_by_text("rol beëindigd op 30 nov. 2026")).to_be_visible()


def own_details_refused(page: Page, base: str, log_in) -> None:
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/roster/mine")
    page.get_by_label("Telefoonnummer").fill("bel me")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_role("alert")).to_contain_text("Een telefoonnummer bestaat uit cijfers")
