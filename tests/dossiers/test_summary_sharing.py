"""The escalation summary is wrapped only for who may read it: the confidant, the entity's PAPSY, the recovery key.
A PAPSY who takes up a late case (offered to every PAPSY, R9) gets it from the confidant's key, at the confidant's
next request; until then she is told it is on its way. Nothing unattended decrypts."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from app.crypto import keys, user_keys
from app.crypto.keys import CryptoError
from app.demo import DEMO_PASSWORD
from app.dossiers import escalation, summary_sharing
from app.dossiers.audit import Action
from app.models import AuditEntry, Dossier, OutboxMessage, SummaryKey, Task, TaskState
from tests.helpers import AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, csrf_token, delicate_case, fire_due, login, user
from workers.jobs import notify_tasks

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)  # a Friday: the case is offered to all on 2 December
OFFERED = datetime(2026, 12, 2, 23, 0, 1, tzinfo=timezone.utc)
SUMMARY = "Samenvatting-kanarie voor de PAPSY"


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def take_up_task(store, instance_id: int) -> Task:
    store.expire_all()
    return store.scalar(select(Task).where(Task.instance_id == instance_id, Task.spec_name == "take_up",
                                           Task.state == TaskState.READY))


def test_f5_a_papsy_of_another_entity_cannot_open_the_summary_with_her_own_key(session):
    dossier_id, _instance_id = delicate_case(session, SUMMARY)
    other = user(session, AWV_PAPSY)
    rows = list(session.scalars(select(SummaryKey)))
    assert {(row.reader, row.reader_id) for row in rows if row.reader == "papsy"} == {("papsy", user(session, OMG_PAPSY).id)}
    assert all(row.reader_id != other.id for row in rows if row.reader == "papsy"), "no key row for her"
    private = user_keys.unlock(session, other, DEMO_PASSWORD)
    for row in rows:  # her key opens none of the wrapped keys
        with pytest.raises(CryptoError):
            keys.unwrap_key(private, row.wrapped, f"summary/{row.summary_id}/{row.reader}/{row.reader_id}".encode())
    assert escalation.read_summary(session, other, dossier_id, private) is None


def test_a_late_case_taken_up_by_another_papsy_reaches_her_at_the_confidants_next_request(app, store, clock):
    dossier_id, instance_id = delicate_case(store, SUMMARY)
    fire_due(store, clock, OFFERED)  # reminded, then offered to every PAPSY
    task_id = take_up_task(store, instance_id).id
    papsy = app.test_client()
    login(papsy, AWV_PAPSY)
    page = papsy.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Zaak opnemen" in page and "kanarie" not in page
    taken = papsy.post(f"/delicate/tasks/{task_id}/take-up", data={"csrf_token": csrf_token(page)})
    assert taken.status_code == 302
    page = papsy.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "De samenvatting is onderweg." in page and "kanarie" not in page
    assert take_up_task(store, instance_id).assignee_id == user(store, AWV_PAPSY).id, "hers alone now"
    fire_due(store, clock, OFFERED + timedelta(minutes=5))  # what runs unattended shares nothing
    notify_tasks()
    assert store.scalar(select(SummaryKey).where(SummaryKey.reader_id == user(store, AWV_PAPSY).id,
                                                 SummaryKey.reader == "papsy")) is None

    confidant = app.test_client()
    login(confidant, OMG_CONFIDANT)  # the confidant's next request: her key wraps the summary for the PAPSY
    confidant.get("/inbox")
    store.expire_all()
    shared = store.scalars(select(AuditEntry.actor_id).where(AuditEntry.action == Action.SHARE_SUMMARY,
                                                             AuditEntry.dossier_id == dossier_id)).all()
    assert shared == [user(store, OMG_CONFIDANT).id]
    assert SUMMARY in papsy.get(f"/tasks/{task_id}").get_data(as_text=True)
    confidant.get("/inbox")
    assert len(store.scalars(select(AuditEntry.id).where(AuditEntry.action == Action.SHARE_SUMMARY)).all()) == 1


def test_a_case_taken_up_in_time_is_offered_to_nobody_else(session, clock):
    _dossier_id, instance_id = delicate_case(session, SUMMARY)
    summary_sharing.take_up(session, user(session, OMG_PAPSY), take_up_task(session, instance_id).id)
    session.commit()
    fire_due(session, clock, OFFERED)
    offered = session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == "delicate_offered")).all()
    assert offered == []


def test_a_summary_rewritten_after_a_take_up_is_sealed_for_that_papsy_too(session, clock):
    dossier_id, instance_id = delicate_case(session, SUMMARY)
    fire_due(session, clock, OFFERED)
    other = user(session, AWV_PAPSY)
    summary_sharing.take_up(session, other, take_up_task(session, instance_id).id)
    escalation.write_summary(session, user(session, OMG_CONFIDANT), session.get(Dossier, dossier_id), "Nieuwe tekst")
    session.commit()
    assert escalation.read_summary(session, other, dossier_id, user_keys.unlock(session, other, DEMO_PASSWORD)) \
        == "Nieuwe tekst"
    assert not summary_sharing.has_pending(session, user(session, OMG_CONFIDANT).id)
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == Action.SHARE_SUMMARY)).all() \
        == [Action.SHARE_SUMMARY]


def test_r9_a_take_up_claims_the_task_only_while_it_is_still_free(session, clock):
    """Two PAPSY taking up an offered case at the same moment: the claim is one conditional UPDATE, so the one who
    read the task as free but writes second gets nothing (the review saw both get a share, on PostgreSQL threads)."""
    _, instance_id = delicate_case(session, SUMMARY)
    fire_due(session, clock, OFFERED)
    task = take_up_task(session, instance_id)
    first, second = user(session, AWV_PAPSY), user(session, OMG_PAPSY)
    assert summary_sharing._claim_task(session, task, first)
    assert not summary_sharing._claim_task(session, task, second), "read as free, but taken meanwhile"
    assert summary_sharing._claim_task(session, task, first), "the holder claiming again changes nothing"
    session.expire_all()
    assert take_up_task(session, instance_id).assignee_id == first.id
