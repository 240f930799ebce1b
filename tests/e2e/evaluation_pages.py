"""The evaluation pages (R18) for the axe audit (tests/e2e/test_accessibility.py PAGES): the PAPSY's evaluation of
an entity's past year with a confidant called for a conversation, and the admins' list with its regenerate
buttons."""
from __future__ import annotations

from datetime import datetime, timezone

from playwright.sync_api import Page, expect
from sqlalchemy import update

from app.clock import now
from app.db import db
from app.evaluation import services
from app.models import Confidant
from tests.helpers import ADMIN, AWV_PAPSY, entity


def arrange_evaluations() -> int:
    """Last year's evaluations of both entities (AWV's Els has three whole years without a dossier)."""
    session = db.session()
    try:
        year = now().year - 1
        session.execute(update(Confidant).values(created_at=datetime(2020, 1, 1, tzinfo=timezone.utc)))
        for code in ("OMG", "AWV"):
            services.generate(session, entity(session, code), year)
        session.commit()
        return year
    finally:
        db.session.remove()


def evaluation_page(page: Page, base: str, log_in) -> None:
    year = arrange_evaluations()
    log_in(AWV_PAPSY)
    page.get_by_role("link", name="Netwerk").click()
    page.get_by_role("link", name="Evaluaties").click()
    page.get_by_role("link", name=f"Evaluatie {year}").click()
    expect(page.get_by_role("heading", level=1, name=f"Evaluatie {year} van Agentschap Wegen en Verkeer")).to_be_visible()
    expect(page.get_by_text("drie jaar zonder dossier: gesprek gevraagd")).to_be_visible()


def evaluation_admin_list(page: Page, base: str, log_in) -> None:
    arrange_evaluations()
    log_in(ADMIN)
    page.goto(f"{base}/evaluations")
    expect(page.get_by_role("heading", level=1, name="Jaarlijkse evaluaties")).to_be_visible()
    expect(page.get_by_role("button", name="Opnieuw maken").first).to_be_visible()
