"""R13 through the pages: a PAPSY publishes a training (bad input refused with reasons, nothing saved), confidants
register and see where they stand, the organiser records attendance after the event, and the recommended day of
training shows its status. ``invitations.announce`` is recorded here (its own tests send the mails)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.clock import now
from app.intervision import invitations
from app.models import EventParticipant, NetworkEvent
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, OMG_PAPSY, csrf_token, login, post_form, visible_text


@pytest.fixture
def announced(monkeypatch) -> list[tuple]:
    calls: list[tuple] = []
    monkeypatch.setattr(invitations, "announce", lambda session, event, confidants, cancel=False: calls.append(
        (event.id, [confidant.email for confidant in confidants], cancel)))
    return calls


def form(**changes) -> dict:
    starts_on = (now() + timedelta(days=20)).date().isoformat()
    return {"kind": "training", "title": "Omgaan met agressie", "description": "Oefenen met situaties.",
            "starts_on": starts_on, "start_time": "09:00", "end_time": "12:30", "duration_days": "0,5",
            "capacity": "1", "place": "Herman Teirlinckgebouw, Brussel", **changes}


def publish(app) -> tuple[object, int]:
    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    response = post_form(papsy, "/trainings/new", form())
    assert response.status_code == 302
    return papsy, int(response.location.rsplit("/", 1)[1])


def signed_in(app, email: str):
    client = app.test_client()
    login(client, email)
    return client


def post(client, url: str, data: dict | None = None):
    token = csrf_token(client.get("/trainings/").get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def test_r13_bad_input_is_refused_with_its_reasons_and_nothing_is_saved(app, store, announced):
    papsy = signed_in(app, OMG_PAPSY)
    response = post_form(papsy, "/trainings/new", form(duration_days="0,3", end_time="08:00", place=""))
    page = visible_text(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "per halve dag" in page and "na het begin" in page and "plaats of een link" in page
    assert 'value="Omgaan met agressie"' in response.get_data(as_text=True)  # what was typed stays
    assert store.scalar(select(func.count()).select_from(NetworkEvent)) == 0


def test_r13_confidants_register_wait_and_see_where_they_stand(app, store, announced):
    papsy, event_id = publish(app)
    sofie, els = signed_in(app, OMG_CONFIDANT), signed_in(app, AWV_CONFIDANT)
    listing = visible_text(sofie.get("/trainings/").get_data(as_text=True))
    assert "Omgaan met agressie" in listing and "0,5 dag" in listing and "1 van 1" in listing
    assert "Aanbevolen: 1 dag aanvullende vorming per jaar — dit jaar 0 dagen gevolgd" in listing
    assert post(sofie, f"/trainings/{event_id}/register").status_code == 302
    assert post(els, f"/trainings/{event_id}/register").status_code == 302
    assert "Op de wachtlijst (plaats 1)" in visible_text(els.get(f"/trainings/{event_id}").get_data(as_text=True))
    again = post(sofie, f"/trainings/{event_id}/register")
    assert again.status_code == 422 and "al ingeschreven" in visible_text(again.get_data(as_text=True))
    assert post(sofie, f"/trainings/{event_id}/unregister").status_code == 302
    assert "Ingeschreven" in visible_text(els.get(f"/trainings/{event_id}").get_data(as_text=True))
    assert [call[1:] for call in announced] == [([OMG_CONFIDANT], False), ([OMG_CONFIDANT], True),
                                               ([AWV_CONFIDANT], False)]
    participants = visible_text(papsy.get(f"/trainings/{event_id}/participants").get_data(as_text=True))
    assert "Els De Smet" in participants and "Sofie Claes" not in participants


def test_r13_the_organiser_records_attendance_and_the_recommendation_shows_it(app, store, announced):
    papsy, event_id = publish(app)
    sofie = signed_in(app, OMG_CONFIDANT)
    post(sofie, f"/trainings/{event_id}/register")
    event = store.get(NetworkEvent, event_id)
    with time_machine.travel(event.ends_at + timedelta(days=1), tick=False):
        papsy, sofie = signed_in(app, OMG_PAPSY), signed_in(app, OMG_CONFIDANT)  # the sessions of before timed out
        page = papsy.get(f"/trainings/{event_id}/participants").get_data(as_text=True)
        row_id = re.search(r'name="attendance-(\d+)"', page).group(1)
        refused = papsy.post(f"/trainings/{event_id}/participants",
                             data={f"attendance-{row_id}": "maybe", "csrf_token": csrf_token(page)})
        assert refused.status_code == 422
        done = papsy.post(f"/trainings/{event_id}/participants",
                          data={f"attendance-{row_id}": "present", "csrf_token": csrf_token(page)})
        assert done.status_code == 302
        assert store.scalar(select(EventParticipant.attendance).where(EventParticipant.id == int(row_id))) == "present"
        shown = visible_text(sofie.get(f"/trainings/{event_id}").get_data(as_text=True))
    assert "Aanwezigheid: aanwezig" in shown
    assert "dit jaar 0,5 dag gevolgd" in shown and "aanbeveling nog niet gehaald" in shown
