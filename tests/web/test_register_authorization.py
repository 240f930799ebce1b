"""The authorization matrix of the register of facts by third parties (R20) and the contacts with the PAPSY (R21):
every route x every actor.

Arranged: the OMG confidant (Sofie) has one fact in her register. Only a confidant keeps a register: their own facts
(another's is 404, as one that does not exist), never a PAPSY, an EOC secretary or an admin (403). The anonymous
report is for the entity's PAPSY and EOC secretary; its confidants (who feed it) and admins never see it. Contacts are logged and listed
by confidants and PAPSY. Allowed POSTs must have their effect, refused ones (and every GET) must change nothing.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.models import Confidant, PapsyContact, PreventionMeasure, ProcessInstance, SealedText, ThirdPartyFact
from app.register import facts
from tests.helpers import AWV_CONFIDANT, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, user
from tests.register.test_r20_register import fact_form
from tests.web.matrix_support import act, app, cells, redirected_to, store  # noqa: F401 (the fixtures app and store)
from tests.web.test_authorization_matrix import EMAILS

LOGIN, FACT, NEW_FACT, CONTACTS = "->login", "->fact", "->new fact", "->contacts"
ALLOWED = {200, FACT, NEW_FACT, CONTACTS}
F = "/register/facts/<id:fact_id>"

# method, url_map rule, url, scenario, effect when allowed | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", "/register", "/register", None, None, LOGIN, 200, 403, 403, 403, 403, 200, 403),
    ("GET", "/register/new", "/register/new", None, None, LOGIN, 200, 403, 403, 403, 403, 200, 403),
    ("POST", "/register/new", "/register/new", None, "recorded",
     LOGIN, NEW_FACT, 403, 403, 403, 403, NEW_FACT, 403),
    ("GET", F, "/register/facts/{fact}", None, None, LOGIN, 200, 403, 403, 403, 403, 404, 403),
    ("GET", F + "/edit", "/register/facts/{fact}/edit", None, None, LOGIN, 200, 403, 403, 403, 403, 404, 403),
    ("POST", F + "/edit", "/register/facts/{fact}/edit", None, "corrected",
     LOGIN, FACT, 403, 403, 403, 403, 404, 403),
    ("POST", F + "/measures", "/register/facts/{fact}/measures", None, "proposed",
     LOGIN, FACT, 403, 403, 403, 403, 404, 403),
    ("GET", "/register/report", "/register/report", None, None, LOGIN, 403, 200, 200, 200, 200, 403, 403),
    ("GET", "/contacts", "/contacts", None, None, LOGIN, 200, 403, 200, 403, 200, 200, 403),
    ("POST", "/contacts", "/contacts", None, "contact", LOGIN, CONTACTS, 403, CONTACTS, 403, CONTACTS, CONTACTS, 403),
]
CELLS = cells(MATRIX)


def confidant_id(store, email: str) -> int:
    return store.scalar(select(Confidant.id).where(Confidant.email == email))


def arrange(store) -> dict:
    for email in (OMG_CONFIDANT, AWV_CONFIDANT):
        user_keys.create_for(store, user(store, email), DEMO_PASSWORD)
    given, _values, _errors = facts.parse_fact(fact_form(occurred_on="2026-01-15"))
    fact = facts.record_fact(store, user(store, OMG_CONFIDANT), given)
    store.commit()
    return {"fact": fact.id, "partner": {
        "omg_confidant": user(store, OMG_PAPSY).id, "awv_confidant": user(store, AWV_PAPSY).id,
        "omg_papsy": confidant_id(store, OMG_CONFIDANT), "awv_papsy": confidant_id(store, AWV_CONFIDANT)}}


def snapshot(store) -> dict:
    state = {
        "facts": store.execute(select(ThirdPartyFact.id, ThirdPartyFact.confidant_id, ThirdPartyFact.kind,
                                      ThirdPartyFact.description_id).order_by(ThirdPartyFact.id)).all(),
        "texts": store.execute(select(SealedText.id, SealedText.body_sealed).order_by(SealedText.id)).all(),
        "measures": store.execute(select(PreventionMeasure.id, PreventionMeasure.fact_id, PreventionMeasure.instance_id)
                                  .order_by(PreventionMeasure.id)).all(),
        "instances": store.scalars(select(ProcessInstance.id)).all(),
        "contacts": store.execute(select(PapsyContact.id, PapsyContact.confidant_id, PapsyContact.papsy_id,
                                         PapsyContact.recorded_by_id)).all(),
    }
    store.rollback()
    return state


def body(template: str, actor: str, ids: dict) -> dict:
    if template == "/register/new" or template.endswith("/edit"):
        return dict(fact_form(occurred_on="2026-02-01", kind="harassment", description="Een nieuwe beschrijving"))
    if template.endswith("/measures"):
        return {"proposal": "Een bel onder het loket", "owner": "Dienst facilitair", "follow_up_on": (date.today() + timedelta(days=30)).isoformat()}
    if template == "/contacts":
        return {"held_on": "2026-01-10", "kind": "phone", "with": str(ids["partner"].get(actor, 1))}
    return {}


def assert_outcome(response, expected, ids: dict) -> None:
    where = redirected_to(response, expected)
    if where is None:
        return
    if expected == NEW_FACT:
        assert where.startswith("/register/facts/") and where != f"/register/facts/{ids['fact']}"
    else:
        wanted = {LOGIN: "/login", FACT: f"/register/facts/{ids['fact']}", CONTACTS: "/contacts"}
        assert where == wanted[expected]


def assert_effect(store, effect, allowed: bool, actor: str, before: dict, after: dict) -> None:
    if effect is None or not allowed:
        assert after == before, "a refused request (or a GET) changed the register"
        return
    changed = {key: [row for row in after[key] if row not in before[key]] for key in after}
    if effect == "recorded":
        assert [row.kind for row in changed["facts"]] == ["harassment"] and len(changed["texts"]) == 1
        assert changed["facts"][0].confidant_id == confidant_id(store, EMAILS[actor])
    elif effect == "corrected":
        assert [row.kind for row in changed["facts"]] == ["harassment"] and len(changed["texts"]) == 1
        assert len(after["facts"]) == len(before["facts"])
    elif effect == "proposed":
        assert len(changed["measures"]) == 1 and changed["measures"][0].instance_id in changed["instances"]
    elif effect == "contact":
        assert [row.recorded_by_id for row in changed["contacts"]] == [user(store, EMAILS[actor]).id]
        store.rollback()
    else:
        raise AssertionError(f"unknown effect {effect}")


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_matrix(app, store, row, actor, expected):
    method, _rule, template, _scenario, effect = row[:5]
    ids = arrange(store)
    response, before = act(app, store, actor, method, template.format(**ids), snapshot, body(template, actor, ids))
    assert_outcome(response, expected, ids)
    assert_effect(store, effect, expected in ALLOWED, actor, before, snapshot(store))
