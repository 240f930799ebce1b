"""The authorization matrix of the compliance view (R12, R13 for R18): a PAPSY sees their entities, an EOC
secretary their own entity, nobody else (confidants and admins neither). Every cell is checked; no request of
these routes changes anything. The rows join tests/web/test_authorization_matrix.py's route coverage."""
from __future__ import annotations

import pytest

from tests.web.intervision_compliance_data import arrange, intervision_snapshot, last_year
from tests.web.matrix_support import app  # noqa: F401 (the fixtures app)
from tests.web.test_authorization_matrix import ACTORS, LOGIN, as_actor, assert_outcome

PAGE, CSV, API = "/compliance", "/compliance.csv", "/api/v1/intervision/compliance"
C = "compliance"  # the scenario: tests/web/intervision_compliance_data.py arrange (last year, entity OMG)

# method, url_map rule, url, scenario, effect when allowed | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", PAGE, "/compliance?year={year}&entity=OMG", C, None, LOGIN, 403, 200, 200, 403, 403, 403, 403),
    # Without arguments: this year, the user's first entity in scope.
    ("GET", PAGE, "/compliance", C, None, LOGIN, 403, 200, 200, 200, 200, 403, 403),
    ("GET", CSV, "/compliance.csv?year={year}&entity=OMG", C, None, LOGIN, 403, 200, 200, 403, 403, 403, 403),
    ("GET", API, "/api/v1/intervision/compliance?year={year}&entity=OMG", C, None,
     401, 403, 200, 200, 403, 403, 403, 403),
    ("GET", API, "/api/v1/intervision/compliance?year={year}&entity=AWV", C, None,
     401, 403, 403, 403, 200, 200, 403, 403),
]


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix(app, store, actor):
    """Each actor's cells of every row, on one arrangement (one login per kind of client)."""
    ids = arrange(store, last_year())
    clients = {}
    for method, _rule, template, _scenario, _effect, *outcomes in MATRIX:
        expected = outcomes[ACTORS.index(actor)]
        api = template.startswith("/api/")
        if api not in clients:
            clients[api] = as_actor(app, store, actor, api)
        client, headers = clients[api]
        before = intervision_snapshot(store)
        response = client.open(template.format(**ids), method=method, headers=headers)
        assert_outcome(response, expected, {"instance": 0, "dossier": 0, **ids})  # it names every target
        assert intervision_snapshot(store) == before, "a request of the compliance view changed something"
