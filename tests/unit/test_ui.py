"""The page vocabulary's rules (app/ui.py): one date style per language, and when a deadline is late or near."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import g

from app import ui

WINTER_AFTERNOON = datetime(2026, 12, 2, 13, 5, tzinfo=UTC)  # 14:05 in Brussels
SUMMER_EVENING = datetime(2026, 5, 2, 21, 30, tzinfo=UTC)  # 23:30 in Brussels


@pytest.fixture
def in_language(app):
    def speak(locale: str):
        context = app.test_request_context("/")
        context.push()
        g.ui_locale = locale
        return context
    contexts = []
    yield lambda locale: contexts.append(speak(locale))
    for context in reversed(contexts):
        context.pop()


def test_dates_read_the_same_way_everywhere_in_dutch(in_language):
    in_language("nl")
    assert ui.format_datetime(WINTER_AFTERNOON) == "2 dec. 2026 14:05"
    assert ui.format_datetime(SUMMER_EVENING) == "2 mei 2026 23:30"
    assert ui.format_date(date(2026, 3, 9)) == "9 mrt. 2026"
    assert ui.format_date("2026-03-09") == "9 mrt. 2026"


def test_dates_read_the_same_way_everywhere_in_english_without_us_order(in_language):
    in_language("en")
    assert ui.format_datetime(WINTER_AFTERNOON) == "2 Dec 2026, 14:05"
    assert ui.format_date(date(2026, 3, 9)) == "9 Mar 2026"


def test_a_datetime_shown_as_a_date_is_the_day_in_brussels(in_language):
    in_language("nl")
    assert ui.format_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1 jan. 2027"


@pytest.mark.parametrize(("due_in", "kind", "label_nl"), [
    (timedelta(days=-3), "late", "3 dagen te laat"),
    (timedelta(days=-1), "late", "1 dag te laat"),
    (timedelta(hours=-1), "late", "te laat"),
    (timedelta(hours=2), "soon", "vandaag"),
    (timedelta(days=2), "soon", "nog 2 dagen"),
    (timedelta(days=13), "soon", "nog 13 dagen"),
    (timedelta(days=15), "later", "nog 15 dagen"),
])
def test_a_deadline_says_how_late_or_near_it_is(in_language, due_in, kind, label_nl):
    in_language("nl")
    at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    due = ui.due_state(at + due_in, at)
    assert (due.kind, due.label) == (kind, label_nl)


def test_no_deadline_is_neither_late_nor_soon():
    due = ui.due_state(None)
    assert due.kind == "none" and not due.late and not due.soon


def test_state_words_depend_on_what_the_state_belongs_to(in_language):
    in_language("nl")
    assert ui.status_label("instance", "cancelled") == "stopgezet"
    assert ui.status_label("timer", "cancelled") == "vervallen"
    assert ui.status_tone("instance", "incident") == "danger"
    assert ui.role_label("eoc_secretary") == "EOC-secretaris" and ui.role_label("unknown") == "unknown"
