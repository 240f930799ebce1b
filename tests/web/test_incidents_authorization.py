"""The authorization matrix of the yearly sharing of repeated incidents (R8): its task screens, its instance and the
API's task, for every actor.

Arranged on 2 December 2026: the 2026 sharing opened; Sofie (the OMG confidant) has "Herhaalde incidenten delen"
open, Koen (OMG) submitted his, so the OMG PAPSY has "Kennisnemen van herhaalde incidenten" open. Only Sofie reaches
her task and only the OMG PAPSY the acknowledgement; the process is confidential, so the EOC secretaries, the AWV
PAPSY and the other confidants see nothing of it, and an admin only that the instance exists. Never through an API
token. Allowed POSTs must have their effect, refused ones (and every GET) leave everything as it was.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import services as dossiers
from app.incidents.sharing import start_year
from app.models import IncidentSharing, SealedText, SharingState, Task, TaskState
from app.workflow import services as workflow
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, fire_due, user
from tests.web.matrix_support import act, app, cells, redirected_to, store  # noqa: F401 (the fixtures app and store)
from tests.web.test_authorization_matrix import EMAILS

KOEN = "koen.maes@omgeving.vlaanderen.example"
LOGIN, INBOX = "->login", "->inbox"
ALLOWED = {INBOX}
TASK, INST, A_TASK = "/tasks/<id:task_id>", "/instances/<id:instance_id>", "/api/v1/tasks/<id:task_id>"
A = "arranged"

# method, url_map rule, url, scenario, effect when allowed | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", TASK, "/tasks/{share}", A, None, LOGIN, 200, 403, 403, 403, 403, 403, 403),
    ("POST", TASK, "/tasks/{share}", A, "submitted", LOGIN, INBOX, 403, 403, 403, 403, 403, 403),
    ("GET", TASK, "/tasks/{acknowledge}", A, None, LOGIN, 403, 403, 200, 403, 403, 403, 403),
    ("POST", TASK, "/tasks/{acknowledge}", A, "acknowledged", LOGIN, 403, 403, INBOX, 403, 403, 403, 403),
    ("GET", INST, "/instances/{instance}", A, None, LOGIN, 200, 403, 403, 403, 403, 403, 200),
    ("GET", A_TASK, "/api/v1/tasks/{share}", A, None, 401, 403, 403, 403, 403, 403, 403, 403),
]
CELLS = cells(MATRIX)


def arrange(store, time_machine) -> dict:
    time_machine.move_to(datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc))
    for email in (OMG_CONFIDANT, KOEN, OMG_PAPSY):
        if user_keys.public_key(store, user(store, email).id) is None:
            user_keys.create_for(store, user(store, email), DEMO_PASSWORD)
    dossiers.register(store, user(store, OMG_CONFIDANT), {
        "opened_on": date(2026, 5, 4), "requester": "Verzoeker M", "themes": ["bullying"], "persons": ["colleague"],
        "interventions": ["listening"], "note": "Gesprek.", "repeated_incident": True})
    start_year(store, 2026)
    store.commit()
    fire_due(store, time_machine, datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc))
    koen = user(store, KOEN)
    workflow.complete_task(store, koen, ready(store, "share_incidents", koen.name), {"account": ""})
    store.commit()
    sofie = user(store, OMG_CONFIDANT)
    share = ready(store, "share_incidents", sofie.name)
    ids = {"share": share, "acknowledge": ready(store, "acknowledge_incidents", koen.name),
           "instance": store.get(Task, share).instance_id}
    store.commit()
    return ids


def ready(store, spec_name: str, subject: str) -> int:
    return store.scalar(select(Task.id).where(Task.spec_name == spec_name, Task.state == TaskState.READY,
                                              Task.subject == subject))


def snapshot(store) -> dict:
    state = {"sharings": store.execute(select(IncidentSharing.id, IncidentSharing.state, IncidentSharing.account_id,
                                              IncidentSharing.acknowledged_by_id).order_by(IncidentSharing.id)).all(),
             "texts": store.scalars(select(SealedText.id)).all(),
             "tasks": store.execute(select(Task.id, Task.state).order_by(Task.id)).all()}
    store.rollback()
    return state


def body(template: str) -> dict:
    return {"account": "Twee keer dezelfde klacht over de planning."} if "share" in template else \
        {"acknowledged": "true"}


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_r8_matrix(app, store, time_machine, row, actor, expected):
    method, _rule, template, _scenario, effect = row[:5]
    ids = arrange(store, time_machine)
    response, before = act(app, store, actor, method, template.format(**ids), snapshot, body(template),
                           api=template.startswith("/api/"))
    where = redirected_to(response, expected)
    if where is not None and expected == LOGIN:
        assert where == "/login"
    after = snapshot(store)
    if effect is None or expected not in ALLOWED:
        assert after == before, "a refused request (or a GET) changed the sharing"
        return
    changed = [row for row in after["sharings"] if row not in before["sharings"]]
    if effect == "submitted":
        assert [(state, account is not None) for _id, state, account, _by in changed] == \
            [(SharingState.SUBMITTED, True)]
        assert len(after["texts"]) == len(before["texts"]) + 1
    else:
        assert [(state, by) for _id, state, _account, by in changed] == \
            [(SharingState.ACKNOWLEDGED, user(store, EMAILS[actor]).id)]
