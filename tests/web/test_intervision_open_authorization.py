"""The authorization matrix of the open intervision sessions (/sessions): every route x every actor.

Arranged: the OMG PAPSY published an open GDPB session (5 places) and an IDEWE session (2 units); OMG bought 10
units; the OMG confidant asked for the IDEWE session (a request waiting for the OMG PAPSY). A cell is the answer,
and a change only where the cell says so (``!``): every other request leaves the database as it was."""
from __future__ import annotations

from datetime import timedelta
import pytest
from sqlalchemy import func, select

from app.clock import now
from app.intervision import events, invitations, open_sessions, units
from app.models import EventParticipant, NetworkEvent, OutboxMessage, PreventionUnitEntry
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, entity, user
from tests.web.matrix_support import act, cells, redirected_to, store  # noqa: F401 (the fixtures store)
from tests.web.test_authorization_matrix import session_csrf

LOGIN, SESSION, SESSION_DONE, NEW_SESSION = "->login", "->session", "->session!", "->new session!"
REQUESTS, REQUESTS_DONE, UNITS_DONE = "->requests", "->requests!", "->units!"
EVENT, PARTICIPANT = "/sessions/<id:event_id>", "/sessions/requests/<id:participant_id>"
X = "-"  # the scenario column: one arrangement for every row

MATRIX = [
    # method, rule, url, scenario, effect | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
    ("GET", "/sessions/", "/sessions/", X, None, LOGIN, 200, 403, 200, 403, 200, 200, 403),
    ("GET", "/sessions/new", "/sessions/new?kind=open_idewe", X, None, LOGIN, 403, 403, 200, 403, 200, 403, 403),
    ("POST", "/sessions/new", "/sessions/new", X, "events", LOGIN, 403, 403, NEW_SESSION, 403, NEW_SESSION, 403, 403),
    ("GET", EVENT, "/sessions/{gdpb}", X, None, LOGIN, 200, 403, 200, 403, 200, 200, 403),
    ("GET", EVENT + "/edit", "/sessions/{gdpb}/edit", X, None, LOGIN, 403, 403, 200, 403, 403, 403, 403),
    ("POST", EVENT + "/edit", "/sessions/{gdpb}/edit", X, "events", LOGIN, 403, 403, SESSION_DONE, 403, 403, 403, 403),
    ("POST", EVENT + "/cancel", "/sessions/{gdpb}/cancel", X, "events", LOGIN, 403, 403, SESSION_DONE, 403, 403, 403,
     403),
    ("POST", EVENT + "/register", "/sessions/{gdpb}/register", X, "participants",
     LOGIN, SESSION_DONE, 403, 403, 403, 403, SESSION_DONE, 403),
    # Only the OMG confidant asked for the IDEWE session; the AWV confidant is told there is nothing to withdraw.
    ("POST", EVENT + "/unregister", "/sessions/{idewe}/unregister", X, "participants",
     LOGIN, SESSION_DONE, 403, 403, 403, 403, SESSION, 403),
    # Before the session is over its organiser is told to wait; nothing changes (the effect: tests/process/...open.py)
    ("POST", EVENT + "/attendance", "/sessions/{gdpb}/attendance", X, None,
     LOGIN, 403, 403, SESSION, 403, 403, 403, 403),
    ("GET", "/sessions/requests", "/sessions/requests", X, None, LOGIN, 403, 403, 200, 403, 200, 403, 403),
    ("POST", PARTICIPANT + "/approve", "/sessions/requests/{request}/approve", X, "units",
     LOGIN, 403, 403, REQUESTS_DONE, 403, 403, 403, 403),
    ("POST", PARTICIPANT + "/refuse", "/sessions/requests/{request}/refuse", X, "participants",
     LOGIN, 403, 403, REQUESTS_DONE, 403, 403, 403, 403),
    ("GET", "/sessions/units", "/sessions/units", X, None, LOGIN, 403, 403, 200, 403, 200, 403, 403),
    ("GET", "/sessions/units/<code>", "/sessions/units/OMG", X, None, LOGIN, 403, 403, 200, 403, 403, 403, 403),
    ("POST", "/sessions/units/<code>", "/sessions/units/OMG", X, "units",
     LOGIN, 403, 403, UNITS_DONE, 403, 403, 403, 403),
]
ACTORS = ("anonymous", "omg_confidant", "omg_secretary", "omg_papsy", "awv_secretary", "awv_papsy", "awv_confidant",
          "admin")
DAY = (now() + timedelta(days=30)).date().isoformat()
SESSION_FORM = {"kind": "open_gdpb", "day": DAY, "starts": "13:30", "ends": "17:00", "place": "Brussel",
                "capacity": "8"}
BODIES = {"/sessions/new": SESSION_FORM, "/sessions/{gdpb}/edit": {**SESSION_FORM, "starts": "14:00"},
          "/sessions/units/OMG": {"units": "5", "note": "Bestelling 42"},
          "/sessions/requests/{request}/refuse": {"reason": "Ga liever naar de GDPB-sessie."}}
CELLS = cells(MATRIX)


@pytest.fixture
def app(app, monkeypatch):
    app.extensions["vertrouwd_settings"].login_rate_limit = "1000 per minute"
    monkeypatch.setattr(invitations, "announce", lambda *args, **kwargs: None)  # the calendar work's
    return app


def arrange(store) -> dict:
    papsy = user(store, OMG_PAPSY)
    gdpb = open_sessions.publish(store, papsy, "open_gdpb", {**SESSION_FORM, "capacity": "5"})
    idewe = open_sessions.publish(store, papsy, "open_idewe", {**SESSION_FORM, "cost_units": "2"})
    units.credit(store, papsy, entity(store, "OMG"), "10", "Bestelling 1")
    request = open_sessions.register(store, user(store, OMG_CONFIDANT), idewe)
    store.commit()
    return {"gdpb": gdpb.id, "idewe": idewe.id, "request": request.id}


def snapshot(store) -> dict:
    state = {
        "events": store.execute(select(NetworkEvent.id, NetworkEvent.sequence, NetworkEvent.starts_at,
                                       NetworkEvent.cancelled_at).order_by(NetworkEvent.id)).all(),
        "participants": store.execute(select(EventParticipant.id, EventParticipant.confidant_id,
                                             EventParticipant.status).order_by(EventParticipant.id)).all(),
        "units": store.execute(select(PreventionUnitEntry.entity_id, PreventionUnitEntry.delta)
                               .order_by(PreventionUnitEntry.id)).all(),
        "mails": store.scalar(select(func.count()).select_from(OutboxMessage)),
    }
    store.rollback()
    return state


def assert_outcome(response, expected, ids: dict, url: str) -> None:
    where = redirected_to(response, expected)
    if where is None:
        return
    if expected == NEW_SESSION:
        assert where.startswith("/sessions/") and where not in (f"/sessions/{ids['gdpb']}", f"/sessions/{ids['idewe']}")
        return
    wanted = {LOGIN: "/login", REQUESTS_DONE: "/sessions/requests", UNITS_DONE: "/sessions/units/OMG"}
    session_page = "/".join(url.split("/")[:3])  # the session the action was about
    assert where == wanted.get(expected, session_page)


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_open_sessions_matrix(app, store, row, actor, expected):
    method, _rule, template, _scenario, effect = row[:5]
    ids = arrange(store)
    url = template.format(**ids)
    response, before = act(app, store, actor, method, url, snapshot, BODIES.get(template))
    assert_outcome(response, expected, ids, url)
    after = snapshot(store)
    if isinstance(expected, str) and expected.endswith("!"):
        assert after[effect] != before[effect], "the allowed request did not do what it asks"
    else:
        assert after == before, "a refused request (or a GET) changed the database"


def test_r12_the_confidant_sees_where_they_stand(app, store):
    """The session page says it in words: registered, on the waiting list with the place, asked, refused with why."""
    from app.intervision import idewe
    from tests.helpers import login

    ids = arrange(store)
    event = store.get(NetworkEvent, ids["gdpb"])
    event.capacity = 0
    store.commit()
    client = app.test_client()
    login(client, OMG_CONFIDANT)
    client.post(f"/sessions/{ids['gdpb']}/register", data={"csrf_token": session_csrf(client, "omg_confidant")})
    assert "Op de wachtlijst (plaats 1)" in client.get(f"/sessions/{ids['gdpb']}").get_data(as_text=True)
    assert "Aangevraagd, wacht op goedkeuring" in client.get(f"/sessions/{ids['idewe']}").get_data(as_text=True)
    idewe.refuse(store, user(store, OMG_PAPSY), ids["request"], "Geen budget meer dit jaar.")
    store.commit()
    assert "Geweigerd: Geen budget meer dit jaar." in client.get(f"/sessions/{ids['idewe']}").get_data(as_text=True)
    listing = client.get("/sessions/").get_data(as_text=True)
    assert "volzet" in listing and "2 preventie-eenheden" in listing
    assert events.is_over(event) is False
