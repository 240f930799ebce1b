"""The authorization matrix of the lists of confidants (R14, R15): every new route x every actor.

The published list (page and feeds) is for everyone, signed in or not, with or without a token. The list of all
appointed, and so its export with status=all, is the GDPB's (PAPSY, admins): anyone else is refused, never given
the active list instead. A confidant keeps their own published details; the scenario "former" makes the OMG
confidant a former one, who no longer does. Allowed POSTs change the actor's own row only; refused ones and GETs
change nothing.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.models import Confidant, ConfidantStatus
from tests.helpers import OMG_CONFIDANT
from tests.web.matrix_support import act, app, cells, store  # noqa: F401 (the fixtures app and store)
from tests.web.test_authorization_matrix import EMAILS

LOGIN, MINE = "->login", "->mine"
LISTED, FORMER = "listed", "former"

# method, url_map rule, url, scenario, effect when allowed | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", "/vertrouwenspersonen", "/vertrouwenspersonen?entity=OMG", LISTED, None,
     200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/public/confidants", "/api/v1/public/confidants", LISTED, None,
     200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/public/confidants.csv", "/api/v1/public/confidants.csv?entity=AWV", LISTED, None,
     200, 200, 200, 200, 200, 200, 200, 200),
    # The export of the list of all appointed; the active list is everyone's (tests/roster/test_lists.py).
    ("GET", "/roster/export.csv", "/roster/export.csv?status=all", LISTED, None,
     LOGIN, 403, 403, 200, 403, 200, 403, 200),
    # GET /api/v1/confidants is in the main matrix; status=all is new: the GDPB's.
    ("GET", "/api/v1/confidants", "/api/v1/confidants?status=all", LISTED, None,
     401, 403, 403, 200, 403, 200, 403, 200),
    ("GET", "/roster/mine", "/roster/mine", LISTED, None, LOGIN, 200, 403, 403, 403, 403, 200, 403),
    ("POST", "/roster/mine", "/roster/mine", LISTED, "details", LOGIN, MINE, 403, 403, 403, 403, MINE, 403),
    ("POST", "/roster/mine", "/roster/mine", FORMER, "details", LOGIN, 403, 403, 403, 403, 403, MINE, 403),
]
CELLS = cells(MATRIX, (0, 2, 3))
DETAILS = {"phone": "02 553 01 23", "work_location": "Gent"}


def arrange(store, scenario: str) -> None:
    if scenario == FORMER:
        sofie = store.scalar(select(Confidant).where(Confidant.email == OMG_CONFIDANT))
        sofie.status, sofie.ended_on = ConfidantStatus.FORMER, date(2026, 11, 30)
        store.commit()


def snapshot(store) -> list:
    rows = store.execute(select(Confidant.email, Confidant.status, Confidant.phone, Confidant.work_location,
                                Confidant.updated_at).order_by(Confidant.email)).all()
    store.rollback()
    return rows


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_roster_lists_matrix(app, store, row, actor, expected):
    method, _rule, url, scenario, effect = row[:5]
    arrange(store, scenario)
    response, before = act(app, store, actor, method, url, snapshot, DETAILS, api=url.startswith("/api/"))
    if isinstance(expected, int):
        assert response.status_code == expected
    else:
        assert response.status_code in (302, 303)
        assert urlsplit(response.location).path == ("/login" if expected == LOGIN else "/roster/mine")
    after = snapshot(store)
    if effect is None or expected != MINE:
        assert after == before, "a refused request (or a GET) changed the roster"
        return
    changed = [(row.email, row.phone, row.work_location) for row in after if row not in before]
    assert changed == [(EMAILS[actor], "02 553 01 23", "Gent")]
