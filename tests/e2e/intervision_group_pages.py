"""The intervision groups' pages as people reach them (R12.1), for the axe-core audit (tests/e2e/test_accessibility.py):
the list of groups, a group's page for its PAPSY (members, sessions, attendance and plan forms), the same page with a
refused addition, and a confidant's own group."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from app.db import db
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY
from tests.intervision.groups_support import arrange_group


def arranged_group() -> int:
    session = db.session()
    try:
        return arrange_group(session)["group"]
    finally:
        db.session.remove()


def intervision_groups(page: Page, base: str, log_in) -> None:
    arranged_group()
    log_in(OMG_PAPSY)
    page.goto(f"{base}/intervision/groups")
    expect(page.get_by_role("link", name="Noord")).to_be_visible()


def intervision_group(page: Page, base: str, log_in) -> None:
    intervision_groups(page, base, log_in)
    page.get_by_role("link", name="Noord").click()
    expect(page.get_by_role("button", name="Aanwezigheid bewaren")).to_be_visible()


def intervision_group_refused(page: Page, base: str, log_in) -> None:
    intervision_group(page, base, log_in)
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_role("alert")).to_contain_text("Kies een vertrouwenspersoon.")


def intervision_mine(page: Page, base: str, log_in) -> None:
    arranged_group()
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/intervision/mine")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Noord")
