"""R12.2: after an open GDPB session its organiser records who attended on the session's page; a half day present
there counts as intervision attended (R12). Before it is over, or for anyone else, nothing is recorded."""
from __future__ import annotations

from datetime import datetime, timezone

import time_machine

from app.intervision import counting, invitations, open_sessions
from app.models import Confidant
from tests.helpers import AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, csrf_token, login, user

FORM = {"day": "2026-11-20", "starts": "09:00", "ends": "12:30", "place": "Herman Teirlinck, Brussel", "capacity": "5"}


def mark(client, event_id: int, marks: dict):
    token = csrf_token(client.get(f"/sessions/{event_id}").get_data(as_text=True))
    return client.post(f"/sessions/{event_id}/attendance", data={**marks, "csrf_token": token})


def test_r12_the_organiser_records_attendance_of_an_open_gdpb_session_and_it_counts(app, store, monkeypatch):
    monkeypatch.setattr(invitations, "announce", lambda *args, **kwargs: None)
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=timezone.utc), tick=False) as clock:
        event = open_sessions.publish(store, user(store, OMG_PAPSY), "open_gdpb", FORM)
        open_sessions.register(store, user(store, OMG_CONFIDANT), event)
        store.commit()
        sofie = store.query(Confidant).filter_by(email=OMG_CONFIDANT).one()
        papsy = app.test_client()
        login(papsy, OMG_PAPSY)
        early = mark(papsy, event.id, {f"attendance-{sofie.id}": "present"})
        assert early.status_code == 302
        assert counting.half_days_attended(store, sofie.id, 2026) == 0
        clock.move_to(datetime(2026, 11, 20, 12, tzinfo=timezone.utc))
        login(papsy, OMG_PAPSY)  # 18 days on: the earlier login has ended
        page = papsy.get(f"/sessions/{event.id}").get_data(as_text=True)
        assert f'name="attendance-{sofie.id}"' in page
        other = app.test_client()
        login(other, AWV_PAPSY)
        assert mark(other, event.id, {f"attendance-{sofie.id}": "present"}).status_code == 403
        assert counting.half_days_attended(store, sofie.id, 2026) == 0
        assert mark(papsy, event.id, {f"attendance-{sofie.id}": "present"}).status_code == 302
        store.expire_all()
        assert counting.half_days_attended(store, sofie.id, 2026) == 1
