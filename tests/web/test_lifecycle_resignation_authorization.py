"""Laying down the role's routes (R19) in the authorization matrix (same shape as tests/web/test_authorization_matrix.py's
MATRIX).

Arranged (scenario "ending"): the OMG confidant lays down the role in 20 days with one open dossier; she, her OMG
colleague and both PAPSY have key pairs. The confidant's own pages are for confidants; the list of role endings for
the PAPSY, the EOC secretaries and the admins (a confidant is sent to their own page); a removal is the EOC
secretary's of the confidant's own entity; a withdrawal is the starter's (others who follow the entity: 403; who
does not even know of it: 404).
"""
from __future__ import annotations

from datetime import timedelta
import pytest
from sqlalchemy import select

from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import services as dossiers
from app.lifecycle import resignation
from app.models import Confidant, DossierShare
from app.models.lifecycle import RoleEnding
from tests.dossiers.test_dossier_rules import facts
from tests.helpers import AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, user
from tests.web.matrix_support import act, app, cells, redirected_to, store  # noqa: F401 (the fixtures app and store)
from tests.web.test_authorization_matrix import LOGIN

OMG_SECOND = "koen.maes@omgeving.vlaanderen.example"
E = "ending"
MINE, DOSSIERS, INDEX = "->mine", "->dossiers", "->index"
HAND_OVER = "/role-endings/mine/dossiers/<id:dossier_id>/hand-over"
WITHDRAW = "/role-endings/<id:ending_id>/withdraw"

# method, url_map rule, url, scenario, effect when allowed | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", "/role-endings", "/role-endings", E, None, LOGIN, MINE, 200, 200, 200, 200, MINE, 200),
    ("GET", "/role-endings/mine", "/role-endings/mine", E, None, LOGIN, 200, 403, 403, 403, 403, 200, 403),
    # The OMG confidant has one running already (422, nothing changes); the AWV confidant starts hers.
    ("POST", "/role-endings/mine", "/role-endings/mine", E, "started", LOGIN, 422, 403, 403, 403, 403, MINE, 403),
    ("GET", "/role-endings/mine/dossiers", "/role-endings/mine/dossiers", E, None,
     LOGIN, 200, 403, 403, 403, 403, MINE, 403),
    ("POST", HAND_OVER, "/role-endings/mine/dossiers/{dossier}/hand-over", E, "handed_over",
     LOGIN, DOSSIERS, 403, 403, 403, 403, 403, 403),
    ("GET", "/role-endings/removal", "/role-endings/removal", E, None, LOGIN, 403, 200, 403, 200, 403, 403, 403),
    # The removal of the OMG colleague: the OMG secretary's; the AWV secretary's is refused (not her entity).
    ("POST", "/role-endings/removal", "/role-endings/removal", E, "removal", LOGIN, 403, INDEX, 403, 403, 403, 403,
     403),
    ("POST", WITHDRAW, "/role-endings/{ending}/withdraw", E, "withdrawn", LOGIN, MINE, 403, 403, 404, 404, 404, 403),
]
CELLS = cells(MATRIX)
TARGETS = {MINE: "/role-endings/mine", DOSSIERS: "/role-endings/mine/dossiers", INDEX: "/role-endings"}


def arrange(store) -> dict:
    for email in (OMG_CONFIDANT, OMG_SECOND, OMG_PAPSY, AWV_PAPSY):
        user_keys.create_for(store, user(store, email), DEMO_PASSWORD)
    sofie = user(store, OMG_CONFIDANT)
    dossier = dossiers.register(store, sofie, facts(opened_on=resignation.today() - timedelta(days=10)))
    ending = resignation.start_resignation(store, sofie, resignation.today() + timedelta(days=20))
    store.commit()
    return {"dossier": dossier.id, "ending": ending.id}


def form_for(effect: str | None, ids: dict, store) -> dict:
    later = (resignation.today() + timedelta(days=30)).isoformat()
    if effect == "started":
        return {"effective_on": later}
    if effect == "handed_over":
        return {"receiver": str(user(store, OMG_SECOND).id), "consent_on": resignation.today().isoformat(),
                "consent_way": "phone"}
    if effect == "removal":
        koen = store.scalar(select(Confidant.id).where(Confidant.email == OMG_SECOND))
        return {"confidant": str(koen), "effective_on": later,
                "representatives_agreed_on": resignation.today().isoformat()}
    return {}


def snapshot(store) -> dict:
    state = {"endings": store.execute(select(RoleEnding.confidant_id, RoleEnding.kind, RoleEnding.state)
                                      .order_by(RoleEnding.id)).all(),
             "shares": store.execute(select(DossierShare.dossier_id, DossierShare.to_user_id)).all()}
    store.rollback()
    return state


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_resignation_matrix(app, store, row, actor, expected):
    method, _rule, template, _scenario, effect = row[:5]
    ids = arrange(store)
    response, before = act(app, store, actor, method, template.format(**ids), snapshot, form_for(effect, ids, store))
    if (where := redirected_to(response, expected)) is not None:
        assert where == ("/login" if expected == LOGIN else TARGETS[expected])
    after = snapshot(store)
    if method == "GET" or not (expected in TARGETS):
        assert after == before, "a refused request (or a GET) changed something"
    elif effect == "started":
        assert len(after["endings"]) == len(before["endings"]) + 1 and after["endings"][-1][1:] == \
            ("resignation", "open")
    elif effect == "handed_over":
        assert after["shares"] == [(ids["dossier"], user(store, OMG_SECOND).id)]
        store.rollback()
    elif effect == "removal":
        assert after["endings"][-1][1:] == ("removal", "open")
    elif effect == "withdrawn":
        assert after["endings"][0][2] == "withdrawn"
