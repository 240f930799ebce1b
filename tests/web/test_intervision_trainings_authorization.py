"""The authorization matrix of the trainings' pages (R13): every route x every actor.

Targets: an upcoming training of the OMG PAPSY (10 places; the AWV confidant is registered) and one that is over
(the OMG confidant had a place). PAPSY and confidants see trainings; EOC secretaries and admins get 403. Only a PAPSY
publishes; only the organiser changes, cancels and records attendance; only an active confidant registers. Allowed
POSTs must have their effect (with the calendar invitations they send), refused ones must change nothing.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
import pytest
from sqlalchemy import select

from app.clock import now
from app.intervision import events, invitations
from app.models import (
    Confidant,
    EventKind,
    EventParticipant,
    NetworkEvent,
    OutboxMessage,
    ParticipantStatus,
)
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, OMG_PAPSY, user
from tests.web.matrix_support import act, app, cells, redirected_to, store  # noqa: F401 (the fixtures app and store)
from tests.web.test_authorization_matrix import EMAILS

LOGIN, TRAINING, NEW, PARTICIPANTS = "->login", "->training", "->new training", "->participants"
ALLOWED = {TRAINING, NEW, PARTICIPANTS}
T = "/trainings/<id:event_id>"
UPCOMING, PAST = "upcoming", "past"

# method, url_map rule, url, scenario, effect when allowed | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", "/trainings/", "/trainings/", UPCOMING, None, LOGIN, 200, 403, 200, 403, 200, 200, 403),
    ("GET", T, "/trainings/{training}", UPCOMING, None, LOGIN, 200, 403, 200, 403, 200, 200, 403),
    ("GET", "/trainings/new", "/trainings/new", UPCOMING, None, LOGIN, 403, 403, 200, 403, 200, 403, 403),
    ("POST", "/trainings/new", "/trainings/new", UPCOMING, "published", LOGIN, 403, 403, NEW, 403, NEW, 403, 403),
    ("GET", T + "/edit", "/trainings/{training}/edit", UPCOMING, None, LOGIN, 403, 403, 200, 403, 403, 403, 403),
    ("POST", T + "/edit", "/trainings/{training}/edit", UPCOMING, "changed",
     LOGIN, 403, 403, TRAINING, 403, 403, 403, 403),
    ("POST", T + "/cancel", "/trainings/{training}/cancel", UPCOMING, "cancelled",
     LOGIN, 403, 403, TRAINING, 403, 403, 403, 403),
    # The AWV confidant has a place already (422: said on the page); a PAPSY is no confidant and registers nobody.
    ("POST", T + "/register", "/trainings/{training}/register", UPCOMING, "registered",
     LOGIN, TRAINING, 403, 403, 403, 403, 422, 403),
    ("POST", T + "/unregister", "/trainings/{training}/unregister", UPCOMING, "unregistered",
     LOGIN, 422, 403, 403, 403, 403, TRAINING, 403),
    ("GET", T + "/participants", "/trainings/{training}/participants", UPCOMING, None,
     LOGIN, 403, 403, 200, 403, 403, 403, 403),
    ("POST", T + "/participants", "/trainings/{past}/participants", PAST, "attended",
     LOGIN, 403, 403, PARTICIPANTS, 403, 403, 403, 403),
]
FORM = {"kind": "training", "title": "Grenzen bewaken", "starts_on": "", "start_time": "09:00",
        "end_time": "12:30", "duration_days": "0,5", "capacity": "12", "place": "Gent"}
CELLS = cells(MATRIX)


@pytest.fixture
def announced(monkeypatch) -> list[tuple]:
    calls: list[tuple] = []
    monkeypatch.setattr(invitations, "announce", lambda session, event, confidants, cancel=False: calls.append(
        (event.id, [confidant.email for confidant in confidants], cancel)))
    return calls


def confidant(store, email: str) -> Confidant:
    return store.scalar(select(Confidant).where(Confidant.email == email))


def arrange(store) -> dict:
    """An upcoming training (the AWV confidant registered) and a past one (the OMG confidant had a place)."""
    papsy, at = user(store, OMG_PAPSY), now()
    training = events.create(store, EventKind.TRAINING, papsy, at + timedelta(days=10),
                             at + timedelta(days=10, hours=7), title="Omgaan met agressie", place="Brussel",
                             duration_days=Decimal(1), capacity=10)
    past = events.create(store, EventKind.TRAINING, papsy, at - timedelta(days=3), at - timedelta(days=3, hours=-4),
                         title="Luisteren", place="Brussel", duration_days=Decimal("0.5"), capacity=10)
    store.add(EventParticipant(event_id=training.id, confidant_id=confidant(store, AWV_CONFIDANT).id,
                               status=ParticipantStatus.REGISTERED))
    attendee = EventParticipant(event_id=past.id, confidant_id=confidant(store, OMG_CONFIDANT).id,
                                status=ParticipantStatus.REGISTERED)
    store.add(attendee)
    store.commit()
    return {"training": training.id, "past": past.id, "attendee": attendee.id}


def snapshot(store) -> dict:
    state = {
        "events": store.execute(select(NetworkEvent.id, NetworkEvent.title, NetworkEvent.organiser_id,
                                       NetworkEvent.sequence, NetworkEvent.cancelled_at).order_by(NetworkEvent.id)).all(),
        "participants": store.execute(select(EventParticipant.event_id, EventParticipant.confidant_id,
                                             EventParticipant.status, EventParticipant.attendance)
                                      .order_by(EventParticipant.id)).all(),
        "mails": store.scalars(select(OutboxMessage.id)).all(),
    }
    store.rollback()
    return state


def body(template: str, ids: dict) -> dict:
    starts_on = (now() + timedelta(days=30)).date().isoformat()
    if template.endswith("/participants"):
        return {f"attendance-{ids['attendee']}": "present"}
    if template.endswith("/edit"):
        return {**FORM, "starts_on": (now() + timedelta(days=10)).date().isoformat(), "title": "Agressie, deel 2"}
    return {**FORM, "starts_on": starts_on} if template == "/trainings/new" else {}


def assert_outcome(response, expected, ids: dict) -> None:
    where = redirected_to(response, expected)
    if where is None:
        return
    if expected == NEW:
        assert where.startswith("/trainings/") and where.removeprefix("/trainings/").isdigit()
        assert int(where.removeprefix("/trainings/")) not in (ids["training"], ids["past"])
    else:
        wanted = {LOGIN: "/login", TRAINING: f"/trainings/{ids['training']}",
                  PARTICIPANTS: f"/trainings/{ids['past']}/participants"}
        assert where == wanted[expected]


def assert_effect(store, effect, allowed, actor, ids, before, after, announced) -> None:
    if effect is None or not allowed:
        assert after == before and announced == [], "a refused request (or a GET) changed something"
        return
    changed_events = [row for row in after["events"] if row not in before["events"]]
    changed_rows = [row for row in after["participants"] if row not in before["participants"]]
    awv, omg = confidant(store, AWV_CONFIDANT).id, confidant(store, OMG_CONFIDANT).id
    store.rollback()
    if effect == "published":
        assert [(row.title, row.organiser_id) for row in changed_events] == \
            [("Grenzen bewaken", user(store, EMAILS[actor]).id)]
        assert changed_rows == [] and announced == []
    elif effect == "changed":
        assert [(row.id, row.title, row.sequence) for row in changed_events] == [(ids["training"], "Agressie, deel 2", 1)]
        assert announced == [(ids["training"], [AWV_CONFIDANT], False)]
    elif effect == "cancelled":
        assert [row.id for row in changed_events] == [ids["training"]] and changed_events[0].cancelled_at is not None
        assert announced == [(ids["training"], [AWV_CONFIDANT], True)]
    elif effect == "registered":
        assert [(row.event_id, row.confidant_id, row.status) for row in changed_rows] == \
            [(ids["training"], omg, ParticipantStatus.REGISTERED)]
        assert announced == [(ids["training"], [OMG_CONFIDANT], False)]
    elif effect == "unregistered":
        assert [(row.confidant_id, row.status) for row in changed_rows] == [(awv, ParticipantStatus.CANCELLED)]
        assert announced == [(ids["training"], [AWV_CONFIDANT], True)]
    elif effect == "attended":
        assert [(row.event_id, row.confidant_id, row.attendance) for row in changed_rows] == \
            [(ids["past"], omg, "present")]
        assert changed_events == [] and announced == []
    else:
        raise AssertionError(f"unknown effect {effect}")
    assert after["mails"] == before["mails"]


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_matrix(app, store, announced, row, actor, expected):
    method, _rule, template, _scenario, effect = row[:5]
    ids = arrange(store)
    response, before = act(app, store, actor, method, template.format(**ids), snapshot, body(template, ids))
    assert_outcome(response, expected, ids)
    assert_effect(store, effect, expected in ALLOWED, actor, ids, before, snapshot(store), announced)
