"""The inbox in a real browser: a PAPSY filters to late tasks and claims one; a colleague PAPSY of the same entity
no longer has it to do but finds it claimed, with who has it; the first gives it back. On a phone (390 px) the page
does not scroll sideways. Accessible locators only (label, role, text)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.clock import now
from app.db import db
from tests.helpers import OMG_PAPSY, OMG_PAPSY_2, colleague_papsy, lane_task

pytestmark = pytest.mark.browser


def arrange_tasks() -> None:
    """For the OMG PAPSY: a review three days late, a follow-up due in a month; a second PAPSY of OMG."""
    session = db.session()
    try:
        lane_task(session, "papsy", "OMG", "Kandidaat Jansens", now() - timedelta(days=3), step="Aanvraag nakijken")
        lane_task(session, "papsy", "OMG", "Kandidaat Peeters", now() + timedelta(days=30))
        colleague_papsy(session)
        session.commit()
    finally:
        db.session.remove()


def late_row(page):
    return page.get_by_role("row").filter(has_text="Aanvraag nakijken")


def test_claim_a_late_task_a_colleague_sees_it_claimed_then_release_it(page, live_server, log_in, log_out,
                                                                         screenshot):
    arrange_tasks()
    log_in(OMG_PAPSY)
    page.get_by_role("link", name=re.compile(r"^Te laat \(1\)")).click()
    expect(page).to_have_url(re.compile(r"/inbox\?due=late$"))
    expect(page.get_by_role("link", name="Dossier nakijken")).to_have_count(0)
    late_row(page).get_by_role("button", name="Ik neem dit op").click()
    expect(page.get_by_text("U hebt 'Aanvraag nakijken' opgenomen.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/inbox\?due=late$"))  # back to the same filtered list
    expect(late_row(page).get_by_text("Opgenomen door u")).to_be_visible()
    screenshot("claimed")
    log_out()

    log_in(OMG_PAPSY_2)
    expect(page.get_by_role("link", name="Aanvraag nakijken")).to_have_count(0)  # not in the colleague's "to do"
    expect(page.get_by_role("link", name="Dossier nakijken")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Iedereen \(2\)")).click()
    expect(late_row(page).get_by_text("Opgenomen door Luc Van den Broeck")).to_be_visible()
    expect(late_row(page).get_by_role("button")).to_have_count(0)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the inbox scrolls sideways on a phone"
    screenshot("colleague-sees-it-claimed-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_out()

    log_in(OMG_PAPSY)
    late_row(page).get_by_role("button", name="Vrijgeven").click()
    expect(page.get_by_text("U gaf 'Aanvraag nakijken' vrij")).to_be_visible()
    expect(late_row(page).get_by_text("Nog niet opgenomen")).to_be_visible()
    screenshot("released")
    page.get_by_role("link", name="Aanvraag nakijken").click()
    page.get_by_role("link", name="Opvolging: Kandidaat Jansens").click()
    expect(page.get_by_text("opgenomen door Luc Van den Broeck")).to_be_visible()  # the history says who and when
    expect(page.get_by_text("vrijgegeven door Luc Van den Broeck")).to_be_visible()
    screenshot("history")
