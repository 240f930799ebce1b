"""The authorization matrix of the evaluation pages (R18): every route x every actor.

Arranged on 15 January 2027: the evaluations of 2026 of OMG and AWV, and the conversation about the role that OMG's
Sofie (three whole years without a dossier) was called for. The PAPSY and the EOC secretary read their own entity's
evaluation; the list is theirs and the admins'; only admins regenerate (and read no evaluation); a conversation is for
its confidant and the entity's PAPSY, unknown (404) to everyone else. Refused requests change nothing.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import select, update

from app.evaluation import services
from app.models import AuditEntry, Confidant, Evaluation, WorkingConversation
from tests.helpers import entity
from tests.web.matrix_support import act, app, cells, redirected_to, store  # noqa: F401 (the fixtures app and store)

LOGIN, LIST = "->login", "->list"
JOB_DAY = datetime(2027, 1, 15, 6, 0, tzinfo=timezone.utc)

# method, url_map rule, url, scenario, effect | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", "/evaluations", "/evaluations", "arranged", None, LOGIN, 403, 200, 200, 200, 200, 403, 200),
    ("GET", "/evaluations/<code>/<id:year>", "/evaluations/OMG/2026", "arranged", None,
     LOGIN, 403, 200, 200, 403, 403, 403, 403),
    ("GET", "/evaluations/<code>/<id:year>.pdf", "/evaluations/OMG/2026.pdf", "arranged", None,
     LOGIN, 403, 200, 200, 403, 403, 403, 403),
    ("POST", "/evaluations/<code>/<id:year>/regenerate", "/evaluations/OMG/2026/regenerate", "arranged",
     "regenerated", LOGIN, 403, 403, 403, 403, 403, 403, LIST),
    ("GET", "/evaluations/conversations/<id:conversation_id>", "/evaluations/conversations/{conversation}",
     "arranged", None, LOGIN, 200, 404, 200, 404, 404, 404, 404),
]
CELLS = cells(MATRIX)


def arrange(store) -> dict:
    store.execute(update(Confidant).values(created_at=datetime(2020, 1, 1, tzinfo=timezone.utc)))  # empty years count
    for code in ("OMG", "AWV"):
        services.generate(store, entity(store, code), 2026)
    store.commit()
    return {"conversation": store.scalar(select(WorkingConversation.id).where(
        WorkingConversation.entity_id == entity(store, "OMG").id))}


def snapshot(store) -> dict:
    state = {"evaluations": store.execute(select(Evaluation.id, Evaluation.generated_by_id)
                                          .order_by(Evaluation.id)).all(),
             "conversations": store.scalars(select(WorkingConversation.id)).all(),
             "audit": store.scalars(select(AuditEntry.action).where(AuditEntry.action.like("%evaluation%"))).all()}
    store.rollback()
    return state


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_matrix(app, store, row, actor, expected):  # noqa: F811
    method, _rule, template, _scenario, effect = row[:5]
    with time_machine.travel(JOB_DAY, tick=False):
        ids = arrange(store)
        response, before = act(app, store, actor, method, template.format(**ids), snapshot)
        where = redirected_to(response, expected)
        if where is not None:
            assert where == ("/login" if expected == LOGIN else "/evaluations")
        after = snapshot(store)
    if effect is None or expected != LIST:
        assert after == before, "a refused request (or a GET) changed an evaluation"
        return
    assert len(after["audit"]) == len(before["audit"]) + 1 and after["conversations"] == before["conversations"]
    assert [generated_by for _id, generated_by in after["evaluations"]].count(None) == 1  # OMG's is the admin's now
