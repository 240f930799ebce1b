"""The authorization matrix of the conversation room (/room): every route x every actor.

Arranged: the OMG confidant asked for the room twice, on a working day ahead: one request waits for the OMG PAPSY
("request"), the other was approved ("booking"). The week is for confidants and PAPSY; asking for active confidants;
deciding for the PAPSY of the confidant's entity; a booking's cancellation and calendar file for its confidant
(another is told it does not exist). A cell is the answer, and a change only where it says so (``!``)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import OutboxMessage, RoomBooking, RoomSlot
from tests.helpers import OMG_CONFIDANT
from tests.room.room_data import approved, ask, form, working_day
from tests.web.matrix_support import act, app, cells, redirected_to, store  # noqa: F401 (the fixtures app and store)
from tests.web.test_authorization_matrix import LOGIN

ROOM, ROOM_DONE, REQUESTS_DONE = "->room", "->room!", "->requests!"
BOOKING = "/room/bookings/<id:booking_id>"
X = "-"  # one arrangement for every row

MATRIX = [
    # method, rule, url, scenario, effect | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
    ("GET", "/room/", "/room/", X, None, LOGIN, 200, 403, 200, 403, 200, 200, 403),
    ("POST", "/room/bookings", "/room/bookings", X, None, LOGIN, ROOM_DONE, 403, 403, 403, 403, ROOM_DONE, 403),
    ("GET", "/room/requests", "/room/requests", X, None, LOGIN, 403, 403, 200, 403, 200, 403, 403),
    # The OMG confidant's request: the OMG PAPSY decides it; the AWV PAPSY is not of that entity.
    ("POST", BOOKING + "/approve", "/room/bookings/{request}/approve", X, None,
     LOGIN, 403, 403, REQUESTS_DONE, 403, 403, 403, 403),
    ("POST", BOOKING + "/decline", "/room/bookings/{request}/decline", X, None,
     LOGIN, 403, 403, REQUESTS_DONE, 403, 403, 403, 403),
    ("POST", BOOKING + "/cancel", "/room/bookings/{booking}/cancel", X, None,
     LOGIN, ROOM_DONE, 403, 404, 403, 404, 404, 403),
    ("GET", BOOKING + ".ics", "/room/bookings/{booking}.ics", X, None, LOGIN, 200, 403, 404, 403, 404, 404, 403),
]
DAY = working_day()
BODIES = {"/room/bookings": form(DAY, "14:00", "15:00"),
          "/room/bookings/{request}/decline": {"reason": "Die dag is het gebouw gesloten."}}
CELLS = cells(MATRIX)


def arrange(store) -> dict:
    request = ask(store, OMG_CONFIDANT, DAY, "10:00", "11:00")
    booking = approved(store, OMG_CONFIDANT, DAY, "12:00", "13:00")
    store.commit()
    return {"request": request.id, "booking": booking.id}


def snapshot(store) -> dict:
    state = {"bookings": store.execute(select(RoomBooking.id, RoomBooking.status, RoomBooking.sequence)
                                       .order_by(RoomBooking.id)).all(),
             "slots": store.execute(select(RoomSlot.day, RoomSlot.slot, RoomSlot.booking_id)
                                    .order_by(RoomSlot.slot)).all(),
             "mails": store.scalar(select(func.count()).select_from(OutboxMessage))}
    store.rollback()
    return state


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_room_matrix(app, store, row, actor, expected):
    method, _rule, template, _scenario, _effect = row[:5]
    ids = arrange(store)
    url = template.format(**ids)
    response, before = act(app, store, actor, method, url, snapshot, BODIES.get(template))
    if (where := redirected_to(response, expected)) is not None:
        assert where == {LOGIN: "/login", ROOM_DONE: "/room/", REQUESTS_DONE: "/room/requests"}[expected]
    elif expected == 200 and url.endswith(".ics"):
        assert response.content_type.startswith("text/calendar") and b"BEGIN:VEVENT" in response.data
    after = snapshot(store)
    if isinstance(expected, str) and expected.endswith("!"):
        assert after["bookings"] != before["bookings"] and after["mails"] > before["mails"], \
            "the allowed request did not do what it asks"
    else:
        assert after == before, "a refused request (or a GET) changed the database"
