"""A bulk migration survives a worker killed halfway (issue 10): a real `vertrouwd worker` process on PostgreSQL and
the real test Redis works through a run of 40 instances; it is SIGKILLed once some, not all, have their result (the
results table is polled with a deadline, never slept on). The same request again continues the run and a new worker
finishes it: every instance moved exactly once (one result, one history line, one audit entry each), none lost, the
run finished."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db import db
from app.engine.registry import deploy, load_forms
from app.config import PROJECT_ROOT
from app.models import AuditEntry, HistoryEvent, MigrationResult, MigrationRun, ProcessInstance
from app.workflow import services
from tests.api_client import bearer
from tests.helpers import ADMIN, OMG_SECRETARY, appointment_data, entity, user
from tests.integration.timer_support import fresh_session, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
COUNT = 40
URL = "/api/v1/process-models/appointment/migrations"
BODY = {"from_version": 1, "to_version": 2, "dry_run": False}


def start_appointments(app) -> list[int]:
    """COUNT appointments at their review on version 1, then a version 2 in which that review was renamed."""
    with app.app_context():
        session = db.session()
        secretary, omg = user(session, OMG_SECRETARY), entity(session, "OMG")
        ids = [services.start_process(session, secretary, "appointment", omg, appointment_data()).id
               for _ in range(COUNT)]
        source = (PROJECT_ROOT / "bpmn" / "appointment.bpmn").read_text()
        deploy(session, "appointment", {"appointment.bpmn": source.replace('name="Aanstelling nakijken"',
                                                                           'name="Aanstelling controleren"')},
               load_forms(PROJECT_ROOT / "forms"))
        session.commit()
    db.session.remove()
    return ids


def results(run_id: int) -> int:
    return fresh_session().scalar(select(func.count()).select_from(MigrationResult)
                                  .where(MigrationResult.run_id == run_id))


def test_a_worker_killed_halfway_through_a_bulk_migration_loses_nothing_and_moves_each_instance_once(faults):
    ids = start_appointments(faults.app)
    admin, client = bearer(faults.app, ADMIN), faults.app.test_client()
    first = faults.spawn("first")
    started = client.post(URL, json=BODY, headers=admin)
    assert started.status_code == 202, started.get_json()
    run_id = started.get_json()["id"]
    assert wait_for(lambda: results(run_id) >= 3, 30, interval=0.02), faults.logs()
    first.kill()
    halfway = results(run_id)
    assert 0 < halfway < COUNT, f"the kill came after {halfway} of {COUNT}: the test proves nothing"

    again = client.post(URL, json=BODY, headers=admin)
    assert (again.status_code, again.get_json()["id"]) == (202, run_id), "the same request continues the run"
    faults.spawn("second")
    assert wait_for(lambda: fresh_session().get(MigrationRun, run_id).finished_at is not None, 60), faults.logs()

    session = fresh_session()
    outcomes = session.execute(select(MigrationResult.instance_id, MigrationResult.outcome)
                               .where(MigrationResult.run_id == run_id)).all()
    assert sorted(instance for instance, _ in outcomes) == sorted(ids), "one result per instance, none lost"
    assert {outcome for _, outcome in outcomes} == {"moved"}
    versions = session.scalars(select(ProcessInstance.model_version_id).where(ProcessInstance.id.in_(ids)))
    assert {session.get(ProcessInstance, i).model_version.version for i in ids} == {2} and len(set(versions)) == 1
    moves = dict(session.execute(select(HistoryEvent.instance_id, func.count()).where(
        HistoryEvent.kind == "migrated", HistoryEvent.instance_id.in_(ids)).group_by(HistoryEvent.instance_id)).all())
    assert moves == dict.fromkeys(ids, 1), "each instance moved exactly once"
    audited = session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action.like("migrate_instance %")))
    assert audited == COUNT
    body = client.get(f"/api/v1/migrations/{run_id}", headers=admin).get_json()
    assert (body["finished"], body["total"], body["done"], body["moved"]) == (True, COUNT, COUNT, COUNT)
