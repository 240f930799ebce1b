"""The retention pages (M27) in the authorization matrix (same shape as tests/web/test_authorization_matrix.py's MATRIX).

Arranged: a dossier of the OMG confidant, closed a year ago (scenario "closed"), or the same with a legal hold of the
OMG PAPSY (scenario "held"). The overview is every PAPSY's (each sees their own entities); a dossier's retention page,
setting and lifting its hold are for a PAPSY of its entity (another PAPSY: 404, as for a dossier that does not
exist); nobody else, admins neither (403).
"""
from __future__ import annotations

from datetime import date, timedelta
import pytest
from sqlalchemy import func, select

from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import services as dossiers
from app.models import AuditEntry
from app.models.dossiers import LegalHold
from app.retention import holds
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, user
from tests.web.matrix_support import act, app, cells, redirected_to, store  # noqa: F401 (the fixtures app and store)
from tests.web.test_authorization_matrix import LOGIN

CLOSED, HELD = "closed", "held"
PAGE = "->retention page"
DOSSIER, HOLD, LIFT = ("/retention/dossiers/<id:dossier_id>", "/retention/dossiers/<id:dossier_id>/hold",
                       "/retention/dossiers/<id:dossier_id>/lift")

# method, url_map rule, url, scenario, effect when allowed | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", "/retention", "/retention?horizon=all", CLOSED, None, LOGIN, 403, 403, 200, 403, 200, 403, 403),
    ("GET", DOSSIER, "/retention/dossiers/{dossier}", CLOSED, None, LOGIN, 403, 403, 200, 403, 404, 403, 403),
    ("POST", HOLD, "/retention/dossiers/{dossier}/hold", CLOSED, "held", LOGIN, 403, 403, PAGE, 403, 404, 403, 403),
    ("POST", LIFT, "/retention/dossiers/{dossier}/lift", HELD, "lifted", LOGIN, 403, 403, PAGE, 403, 404, 403, 403),
]
ALLOWED = {200, PAGE}
CELLS = cells(MATRIX, (0, 2, 3))


def arrange(store, scenario: str) -> dict:
    confidant = user(store, OMG_CONFIDANT)
    if user_keys.public_key(store, confidant.id) is None:
        user_keys.create_for(store, confidant, DEMO_PASSWORD)
    year_ago = date.today() - timedelta(days=365)
    dossier = dossiers.register(store, confidant, {"opened_on": year_ago, "requester": "Verzoeker M",
                                                   "themes": ["stress"], "persons": ["colleague"],
                                                   "interventions": ["listening"], "note": "Gesprek."})
    dossiers.close(store, confidant, dossier.id, year_ago, "resolved")
    if scenario == HELD:
        holds.set_hold(store, user(store, OMG_PAPSY), dossier.id, "Gerechtelijke procedure loopt")
    store.commit()
    return {"dossier": dossier.id}


def snapshot(store) -> dict:
    state = {"holds": store.execute(select(LegalHold.dossier_id, LegalHold.lifted_at.is_(None))
                                    .order_by(LegalHold.id)).all(),
             "audit": store.scalar(select(func.count()).select_from(AuditEntry))}
    store.rollback()
    return state


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_retention_matrix(app, store, row, actor, expected):
    method, _rule, template, scenario, effect = row[:5]
    ids = arrange(store, scenario)
    response, before = act(app, store, actor, method, template.format(**ids), snapshot,
                           {"reason": "Vordering van het arbeidsauditoraat"})
    if (where := redirected_to(response, expected)) is not None:
        assert where == ("/login" if expected == LOGIN else f"/retention/dossiers/{ids['dossier']}")
    after = snapshot(store)
    if expected not in ALLOWED or effect is None:
        assert after == before, "a refused request (or a GET) changed the holds or the audit log"
    elif effect == "held":
        assert after["holds"] == [(ids["dossier"], True)] and after["audit"] == before["audit"] + 1
    elif effect == "lifted":
        assert after["holds"] == [(ids["dossier"], False)] and after["audit"] == before["audit"] + 1
