"""Idle sessions end; times are shown in Brussels time, stored in UTC."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import time_machine

from tests.helpers import OMG_PAPSY, OMG_SECRETARY, appointment_form, login, post_form

START = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)


def test_an_idle_session_ends_after_the_configured_minutes(client):
    with time_machine.travel(START, tick=False) as clock:
        login(client, OMG_SECRETARY)
        clock.move_to(START + timedelta(minutes=29))
        assert client.get("/inbox").status_code == 200
        clock.move_to(START + timedelta(minutes=29 + 31))
        response = client.get("/inbox")
    assert response.status_code == 302 and "/login" in response.location


def test_times_are_shown_in_brussels_time(app):
    secretary, papsy = app.test_client(), app.test_client()
    with time_machine.travel(START, tick=False):  # 09:00 UTC is 10:00 in Brussels in winter
        login(secretary, OMG_SECRETARY)
        post_form(secretary, "/processes/appointment/start", {"entity": "OMG", **appointment_form()})
        login(papsy, OMG_PAPSY)
        inbox = papsy.get("/inbox").get_data(as_text=True)
    assert "28 nov. 2026 10:00" in inbox
    assert 'datetime="2026-11-28T09:00:00+00:00"' in inbox
