"""Moving a running instance onto another version (issue 10, POST /api/v1/process-instances/<id>/migrate): a dry
run says what changes; an open step that changed moves along; a completed step that changed blocks the move and
nothing is kept; after the move the instance works on its new version, with a history line and an audit entry."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.config import PROJECT_ROOT
from app.engine.registry import deploy, load_forms
from app.models import AuditEntry, HistoryEvent, ProcessInstance, Task, TaskState
from app.workflow import services
from tests.api_client import bearer
from tests.helpers import ADMIN, OMG_PAPSY, OMG_SECRETARY, appointment_data, entity, user

SOURCE = (PROJECT_ROOT / "bpmn" / "appointment.bpmn").read_text()
FORMS = load_forms(PROJECT_ROOT / "forms")


@pytest.fixture
def running(store) -> int:
    """An appointment of version 1 at its review step (its submission completed)."""
    instance = services.start_process(store, user(store, OMG_SECRETARY), "appointment", entity(store, "OMG"),
                                      appointment_data())
    store.commit()
    return instance.id


def deploy_v2(store, source: str) -> None:
    assert deploy(store, "appointment", {"appointment.bpmn": source}, FORMS).version == 2
    store.commit()


def migrate(client, headers, instance_id: int, body: dict):
    return client.post(f"/api/v1/process-instances/{instance_id}/migrate", json=body, headers=headers)


def ready(store, instance_id: int) -> list[tuple[str, int]]:
    store.expire_all()
    return [tuple(row) for row in store.execute(select(Task.title, Task.model_version_id).where(
        Task.instance_id == instance_id, Task.state == TaskState.READY))]


def test_an_open_step_that_changed_moves_with_the_instance_to_version_2(app, client, store, running):
    deploy_v2(store, SOURCE.replace('name="Aanstelling nakijken"', 'name="Aanstelling controleren"'))
    admin = bearer(app, ADMIN)
    dry = migrate(client, admin, running, {"version": 2})
    assert dry.status_code == 200, dry.get_json()
    assert dry.get_json() | {"changed": None} == {
        "instance": running, "from_version": 1, "to_version": 2, "possible": True, "migrated": False,
        "blockers": [], "removed": [], "changed": None, "added": []}
    assert "Aanstelling nakijken" in dry.get_json()["changed"]
    assert store.get(ProcessInstance, running).model_version.version == 1, "a dry run changes nothing"
    done = migrate(client, admin, running, {"version": 2, "dry_run": False})
    assert done.status_code == 200 and done.get_json()["migrated"] is True
    store.expire_all()
    v2 = store.get(ProcessInstance, running).model_version
    assert v2.version == 2 and ready(store, running) == [("Aanstelling controleren", v2.id)]
    review = store.scalar(select(Task.id).where(Task.instance_id == running, Task.state == TaskState.READY))
    approved = client.post(f"/api/v1/tasks/{review}/complete", json={"data": {"decision": "approve"}},
                           headers=bearer(app, OMG_PAPSY))
    assert approved.status_code == 200, approved.get_json()
    kinds = [(event.kind, event.detail) for event in store.scalars(
        select(HistoryEvent).where(HistoryEvent.instance_id == running).order_by(HistoryEvent.id))]
    assert ("migrated", "1 -> 2") in kinds
    assert f"migrate_instance {running}" in store.scalars(select(AuditEntry.action)).all()


def test_a_completed_step_that_changed_blocks_the_move_and_nothing_is_kept(app, client, store, running):
    deploy_v2(store, SOURCE.replace('name="Aanstelling indienen"', 'name="Aanvraag indienen"'))
    admin = bearer(app, ADMIN)
    dry = migrate(client, admin, running, {"version": 2}).get_json()
    assert dry["possible"] is False
    assert dry["blockers"] == ["de afgewerkte stap 'Aanstelling indienen' werd gewijzigd of verwijderd"]
    refused = migrate(client, admin, running, {"version": 2, "dry_run": False})
    assert refused.status_code == 409 and "Aanstelling indienen" in refused.get_json()["error"]
    store.expire_all()
    assert store.get(ProcessInstance, running).model_version.version == 1
    assert [title for title, _ in ready(store, running)] == ["Aanstelling nakijken"]


@pytest.mark.parametrize(("body", "field"), [({}, "version"), ({"version": 1}, "version"), ({"version": 9}, "version"),
                                             ({"version": "2"}, "version"), ({"version": 2, "dry_run": "no"},
                                                                             "dry_run")])
def test_a_bad_migration_request_is_422_naming_the_field(app, client, store, running, body, field):
    deploy_v2(store, SOURCE.replace('name="Aanstelling nakijken"', 'name="Aanstelling controleren"'))
    response = migrate(client, bearer(app, ADMIN), running, body)
    assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()


def test_only_an_admin_migrates(app, client, store, running):
    deploy_v2(store, SOURCE.replace('name="Aanstelling nakijken"', 'name="Aanstelling controleren"'))
    for email in (OMG_PAPSY, OMG_SECRETARY):
        assert migrate(client, bearer(app, email), running, {"version": 2, "dry_run": False}).status_code == 403
    store.expire_all()
    assert store.get(ProcessInstance, running).model_version.version == 1


def test_of_a_confidential_instance_the_admin_learns_no_step_it_went_through(app, client, store):
    from tests.helpers import delicate_case

    _dossier, instance_id = delicate_case(store)
    source = (PROJECT_ROOT / "bpmn" / "delicate_case.bpmn").read_text()
    changed = source.replace('name="Samenvatting voor de PAPSY schrijven"', 'name="Samenvatting schrijven"') \
        .replace('name="Delicate zaak opnemen"', 'name="Zaak opnemen"')
    decisions = {"delicate.dmn": (PROJECT_ROOT / "bpmn" / "delicate.dmn").read_text()}  # the version evaluates it
    assert deploy(store, "delicate_case", {"delicate_case.bpmn": changed, **decisions}, FORMS).version == 2
    store.commit()
    admin = bearer(app, ADMIN)
    plan = migrate(client, admin, instance_id, {"version": 2}).get_json()
    assert (plan["possible"], plan["blockers"], plan["changed"], plan["removed"]) == \
        (False, ["een afgewerkte stap werd gewijzigd of verwijderd"], [], [])
    refused = migrate(client, admin, instance_id, {"version": 2, "dry_run": False})
    assert refused.status_code == 409 and "Samenvatting" not in refused.get_json()["error"]
