"""Intervision in a real browser (R12): the group's PAPSY plans a half day; a member finds it in her calendar and
downloads the invitation; the PAPSY records who attended the half day behind them; the entity's EOC secretary sees
it in the follow-up. Accessible locators only (label, role, text)."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect
from sqlalchemy import select

from app.clock import moved_clock, now
from app.db import db
from app.intervision import events, group_sessions, groups
from app.models import Confidant
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, user

pytestmark = pytest.mark.browser


def arrange_group() -> int:
    """Groep Noord, led by the OMG PAPSY, with the OMG confidant; a half day two hours ago. Returns its year."""
    session = db.session()
    try:
        papsy = user(session, OMG_PAPSY)
        group = groups.create_group(session, papsy, "Groep Noord", papsy)
        groups.add_member(session, group, session.scalar(select(Confidant).where(Confidant.email == OMG_CONFIDANT)),
                          papsy)
        starts = now() - timedelta(hours=3)
        with moved_clock() as move:  # planned a week ago, when it was still ahead
            move(-timedelta(days=7))
            group_sessions.plan(session, papsy, group, group_sessions.SessionFields(
                starts, starts + timedelta(hours=2), "Herman Teirlinckgebouw", None))
        session.commit()
        return events.year_of(starts)
    finally:
        db.session.remove()


def test_r12_a_half_day_planned_seen_in_the_calendar_attended_and_followed_up(page, live_server, log_in, log_out,
                                                                                screenshot):
    year = arrange_group()
    ahead = (now() + timedelta(days=9)).astimezone(events.BRUSSELS).date()
    log_in(OMG_PAPSY)
    page.get_by_role("link", name="Intervisie", exact=True).click()
    page.get_by_role("link", name="Groep Noord").click()
    page.get_by_label("Datum").fill(ahead.isoformat())
    page.get_by_label("Beginuur").fill("09:00")
    page.get_by_label("Einduur").fill("12:30")
    page.get_by_label("Plaats").fill("Boudewijngebouw, zaal 2")
    page.get_by_role("button", name="Sessie plannen").click()
    expect(page.get_by_text("Boudewijngebouw, zaal 2")).to_be_visible()
    page.get_by_label("Sofie Claes (Departement Omgeving)").select_option(label="aanwezig")
    page.get_by_role("button", name="Aanwezigheid bewaren").click()
    expect(page.get_by_text("De aanwezigheid is bewaard.")).to_be_visible()
    screenshot("papsy-planned-and-recorded")
    log_out()

    log_in(OMG_CONFIDANT)
    expect(page.get_by_text(f"Intervisie {year}: 1 van 2 halve dagen")).to_be_visible()
    page.get_by_role("link", name="Intervisie", exact=True).click()
    page.get_by_role("link", name="Agenda").click()
    if ahead.month != now().astimezone(events.BRUSSELS).month:
        page.get_by_role("link", name="Volgende maand").click()
    row = page.get_by_role("row").filter(has_text="Boudewijngebouw, zaal 2")
    expect(row.get_by_role("rowheader", name="Groep Noord")).to_be_visible()
    screenshot("confidant-calendar")
    with page.expect_download() as download:
        row.get_by_role("link", name=re.compile("Agendabestand")).click()
    invitation = Calendar.from_ical(Path(download.value.path()).read_bytes())
    (event,) = invitation.walk("VEVENT")
    assert "Groep Noord" in str(event["SUMMARY"]) and str(event["LOCATION"]) == "Boudewijngebouw, zaal 2"
    assert event["DTSTART"].params["TZID"] == "Europe/Brussels" and event["DTSTART"].dt.hour == 9
    log_out()

    log_in(OMG_SECRETARY)
    page.get_by_role("link", name="Opvolging").click()
    if year != now().astimezone(events.BRUSSELS).year:
        page.get_by_label("Jaar").select_option(str(year))
        page.get_by_role("button", name="Filteren").click()
    sofie = page.get_by_role("row").filter(has_text="Sofie Claes")
    expect(sofie.get_by_text("1 van 2 halve dagen")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the follow-up scrolls sideways on a phone"
    screenshot("secretary-follow-up-390")
