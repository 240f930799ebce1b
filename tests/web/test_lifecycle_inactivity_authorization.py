"""The authorization matrix of temporary inactivity (R14): every route x every actor.

Arranged: the OMG confidant (Sofie) has a running period (today and the two days after) and a planned one (in five to
eight days), both with Koen (OMG) as stand-in; of her two dossiers the first is shared with Koen, the second not. Tom
(AWV) has a running period with the AWV confidant (Els) as stand-in, and shared a dossier with her. A confidant
reports, calls off and ends only their own periods (another's is 404); only the keeper shares or stops sharing a
dossier; only the stand-in reads what was shared with them (anyone else, as for a dossier that does not exist: 404);
people who keep no dossiers get 403. The list of periods is for PAPSY and admins. Allowed POSTs must have their
effect, refused ones (and every GET) must change nothing.
"""
from __future__ import annotations

from datetime import date, timedelta
import pytest
from sqlalchemy import select

from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import services as dossiers
from app.dossiers import sharing
from app.dossiers.services import today
from app.lifecycle import inactivity
from app.lifecycle.inactivity import Report
from app.models import Confidant, DossierShare, InactivityPeriod
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, user
from tests.web.matrix_support import act, app, cells, redirected_to, store  # noqa: F401 (the fixtures app and store)
from tests.web.test_authorization_matrix import EMAILS

KOEN, TOM = "koen.maes@omgeving.vlaanderen.example", "tom.peeters@wegenenverkeer.vlaanderen.example"
LOGIN, AVAILABILITY, DOSSIER = "->login", "->availability", "->dossier"
ALLOWED = {200, AVAILABILITY, DOSSIER}
PERIOD, DOS = "/availability/<id:period_id>", "/dossiers/<id:dossier_id>/stand-in"

# method, url_map rule, url, scenario, effect when allowed | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", "/availability", "/availability", None, None, LOGIN, 200, 403, 403, 403, 403, 200, 403),
    ("POST", "/availability", "/availability", None, "reported",
     LOGIN, AVAILABILITY, 403, 403, 403, 403, AVAILABILITY, 403),
    ("POST", PERIOD + "/cancel", "/availability/{planned}/cancel", None, "cancelled",
     LOGIN, AVAILABILITY, 403, 403, 403, 403, 404, 403),
    ("POST", PERIOD + "/end", "/availability/{current}/end", None, "ended",
     LOGIN, AVAILABILITY, 403, 403, 403, 403, 404, 403),
    ("POST", DOS, "/dossiers/{unshared}/stand-in", None, "shared", LOGIN, DOSSIER, 403, 403, 403, 403, 404, 403),
    ("POST", DOS + "/stop", "/dossiers/{shared}/stand-in/stop", None, "stopped",
     LOGIN, DOSSIER, 403, 403, 403, 403, 404, 403),
    ("GET", "/stand-in/dossiers/<id:dossier_id>", "/stand-in/dossiers/{toms}", None, None,
     LOGIN, 404, 403, 403, 403, 403, 200, 403),
    ("GET", "/inactivity", "/inactivity", None, None, LOGIN, 403, 403, 200, 403, 200, 403, 200),
]
CELLS = cells(MATRIX)


def confidant(store, email: str) -> Confidant:
    return store.scalar(select(Confidant).where(Confidant.email == email))


def arrange(store) -> dict:
    keys = {email: user_keys.create_for(store, user(store, email), DEMO_PASSWORD)
            for email in (OMG_CONFIDANT, KOEN, TOM, AWV_CONFIDANT)}
    facts = {"opened_on": today() - timedelta(days=20), "requester": "Verzoeker M", "themes": ["conflict"],
             "persons": ["colleague"], "interventions": ["listening"], "note": "Gesprek."}
    sofie, tom = user(store, OMG_CONFIDANT), user(store, TOM)
    shared, unshared = (dossiers.register(store, sofie, facts).id for _ in range(2))
    toms = dossiers.register(store, tom, facts).id
    koen, els = confidant(store, KOEN), confidant(store, AWV_CONFIDANT)
    current = inactivity.report(store, sofie, Report(today(), today() + timedelta(days=2), koen.id))
    planned = inactivity.report(store, sofie, Report(today() + timedelta(days=5), today() + timedelta(days=8), koen.id))
    away = inactivity.report(store, tom, Report(today(), today() + timedelta(days=3), els.id))
    consent = today() - timedelta(days=1)
    sharing.share_with_stand_in(store, sofie, keys[OMG_CONFIDANT], shared, koen.user, consent, "phone", current.id)
    sharing.share_with_stand_in(store, tom, keys[TOM], toms, els.user, consent, "email", away.id)
    store.commit()
    return {"current": current.id, "planned": planned.id, "shared": shared, "unshared": unshared, "toms": toms}


def snapshot(store) -> dict:
    state = {
        "periods": store.execute(select(InactivityPeriod.id, InactivityPeriod.confidant_id, InactivityPeriod.starts_on,
                                        InactivityPeriod.ended_on, InactivityPeriod.cancelled_at)
                                 .order_by(InactivityPeriod.id)).all(),
        "shares": store.execute(select(DossierShare.id, DossierShare.dossier_id, DossierShare.to_user_id,
                                       DossierShare.ended_at).order_by(DossierShare.id)).all(),
        "statuses": store.execute(select(Confidant.email, Confidant.status).order_by(Confidant.id)).all(),
    }
    store.rollback()
    return state


def body(template: str, ids: dict) -> dict:
    if template == "/availability":
        first = today() + timedelta(days=30)
        return {"starts_on": first.isoformat(), "ends_on": (first + timedelta(days=4)).isoformat(), "stand_in": ""}
    if template.endswith("/stand-in"):
        return {"period": str(ids["current"]), "consent_on": date.today().isoformat(), "consent_way": "in_person"}
    return {}


def assert_outcome(response, expected, ids: dict) -> None:
    where = redirected_to(response, expected)
    if where is None:
        return
    dossier = ids["unshared"] if where.endswith(f"/{ids['unshared']}") else ids["shared"]
    assert where == {LOGIN: "/login", AVAILABILITY: "/availability", DOSSIER: f"/dossiers/{dossier}"}[expected]


def assert_effect(store, effect, allowed: bool, actor: str, ids: dict, before: dict, after: dict) -> None:
    if effect is None or not allowed:
        assert after == before, "a refused request (or a GET) changed something"
        return
    new_periods = [row for row in after["periods"] if row not in before["periods"]]
    new_shares = [row for row in after["shares"] if row not in before["shares"]]
    mine = confidant(store, EMAILS[actor]).id
    store.rollback()
    if effect == "reported":
        assert [(row.confidant_id, row.starts_on) for row in new_periods] == [(mine, today() + timedelta(days=30))]
        assert new_shares == []
    elif effect == "cancelled":
        assert [(row.id, row.cancelled_at is not None) for row in new_periods] == [(ids["planned"], True)]
        assert new_shares == []
    elif effect == "ended":
        assert [(row.id, row.ended_on) for row in new_periods] == [(ids["current"], today())]
        assert [(row.dossier_id, row.ended_at is not None) for row in new_shares] == [(ids["shared"], True)]
        assert ("sofie.claes@omgeving.vlaanderen.example", "active") in after["statuses"]
    elif effect == "shared":
        assert [(row.dossier_id, row.ended_at) for row in new_shares] == [(ids["unshared"], None)]
        assert new_periods == []
    elif effect == "stopped":
        assert [(row.dossier_id, row.ended_at is not None) for row in new_shares] == [(ids["shared"], True)]
        assert new_periods == []
    else:
        raise AssertionError(f"unknown effect {effect}")


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_inactivity_matrix(app, store, row, actor, expected):
    method, _rule, template, _scenario, effect = row[:5]
    ids = arrange(store)
    response, before = act(app, store, actor, method, template.format(**ids), snapshot, body(template, ids))
    assert_outcome(response, expected, ids)
    assert_effect(store, effect, expected in ALLOWED, actor, ids, before, snapshot(store))
