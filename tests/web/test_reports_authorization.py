"""The authorization matrix of the reports (R7): every route x every actor.

A PAPSY reads the network's report and those of their own entities; an EOC secretary their own entity's only (its
report is their default); confidants and admins none. The API answers the same through a bearer token. Reports only
read: no request changes a dossier."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Dossier, DossierFact
from tests.reports.support import NOW, arrange
from tests.web.matrix_support import act, app, cells, redirected_to, store  # noqa: F401 (the fixtures app and store)

LOGIN = "->login"
R, API = "/reports/", "/api/v1/reports/requests"

# method, url_map rule, url, scenario, effect | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", R, R + "?year=2025", "network or own entity", None, LOGIN, 403, 200, 200, 200, 200, 403, 403),
    ("GET", R, R + "?year=2025&entity=OMG", "OMG", None, LOGIN, 403, 200, 200, 403, 403, 403, 403),
    ("GET", R + "export.csv", R + "export.csv?year=2025&entity=AWV", "AWV", None,
     LOGIN, 403, 403, 403, 200, 200, 403, 403),
    ("GET", R + "export.pdf", R + "export.pdf?year=2025&entity=OMG", "OMG", None,
     LOGIN, 403, 200, 200, 403, 403, 403, 403),
    ("GET", API, API + "?year=2025", "network or own entity", None, 401, 403, 200, 200, 200, 200, 403, 403),
    ("GET", API, API + "?year=2025&entity=AWV", "AWV", None, 401, 403, 403, 403, 200, 200, 403, 403),
]
CELLS = cells(MATRIX, (0, 2))


def snapshot(store) -> list:
    state = store.execute(select(Dossier.id, Dossier.updated_at, Dossier.outcome).order_by(Dossier.id)).all()
    state += store.execute(select(DossierFact.id, DossierFact.value).order_by(DossierFact.id)).all()
    store.rollback()
    return state


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_matrix(app, store, time_machine, row, actor, expected):
    method, _rule, url = row[:3]
    time_machine.move_to(NOW)
    arrange(store, count=120)
    response, before = act(app, store, actor, method, url, snapshot, api=url.startswith("/api/"))
    where = redirected_to(response, expected)
    if where is not None:
        assert where == "/login"
    assert snapshot(store) == before, "a report changed the data"
