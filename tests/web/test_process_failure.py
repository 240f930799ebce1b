"""A failing service task: the user is told that the process stalled and that nothing was saved, nothing is
half-saved, and the task can be tried again."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db import db
from app.engine import services as engine_services
from app.models import HistoryEvent, InstanceStatus, ProcessInstance, Task, TaskState
from app.workflow import services
from tests.api_client import Api
from tests.fuzz.support import changed_tables, fingerprint
from tests.helpers import OMG_PAPSY, OMG_SECRETARY, appointment_data, csrf_token, entity, login, user
from tests.small_models import deploy, ready_task


def test_a_failed_step_says_nothing_was_saved_and_leaves_the_task_ready(app, client, monkeypatch):
    """The page says the process stalled, that nothing was saved and to tell an admin (it promises no notification:
    none is sent); the instance has no incident and no new history, and the task is still ready."""
    with app.app_context():
        session = db.session()
        instance = services.start_process(session, user(session, OMG_SECRETARY), "appointment",
                                          entity(session, "OMG"), appointment_data())
        instance_id, task_id = instance.id, ready_task(session, instance, "review_appointment").id
        session.commit()
        history_before = session.scalar(select(func.count()).select_from(HistoryEvent)
                                        .where(HistoryEvent.instance_id == instance_id))
    db.session.remove()

    def broken(context, params, data):
        raise RuntimeError("mail server down")

    monkeypatch.setitem(engine_services._registry, "roster.activate", broken)
    login(client, OMG_PAPSY)
    token = csrf_token(client.get(f"/tasks/{task_id}").get_data(as_text=True))
    response = client.post(f"/tasks/{task_id}", data={"decision": "approve", "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Het proces liep vast. Er werd niets bewaard; meld dit aan een beheerder." in page
    assert "RuntimeError" not in page, "users never see the program's names"
    assert "verwittigd" not in page and "mail server down" not in page
    with app.app_context():
        session = db.session()
        row = session.get(ProcessInstance, instance_id)
        assert (row.status, row.incident) == (InstanceStatus.RUNNING, None)
        assert session.get(Task, task_id).state == TaskState.READY
        assert session.scalar(select(func.count()).select_from(HistoryEvent)
                              .where(HistoryEvent.instance_id == instance_id)) == history_before
    db.session.remove()


def test_a_failing_service_task_gives_the_clear_process_failed_message(app, monkeypatch):
    """Through the API: a service task whose flush fails answers 500 with the 'process stalled' message, nothing
    of the step is kept and the task stays ready."""
    def broken_service(context, params, data):
        context.session.add(Task(instance_id=context.instance_id))  # violates NOT NULL: the flush fails
        context.session.flush()

    monkeypatch.setitem(engine_services._registry, "roster.activate", broken_service)
    api = Api(app)
    task_id = api.start().get_json()["open_tasks"][0]["id"]
    before = fingerprint()
    response = api.complete(task_id, {"decision": "approve"}, api.papsy)
    assert response.status_code == 500 and "liep vast" in response.get_json()["error"]
    after = fingerprint()
    assert after == before, changed_tables(before, after)
    with app.app_context():
        assert db.session().scalar(select(Task.id).where(Task.state == TaskState.READY)) == task_id
    db.session.remove()


@pytest.mark.postgres
def test_pg_the_error_page_survives_a_failed_flush_and_the_start_can_be_tried_again(pg_app, caplog):
    """On PostgreSQL, a service task whose flush fails (a duplicate entity code) at the start gives our page with
    the 'process stalled' message, twice in a row (the session is not poisoned), and starts nothing."""
    from app.engine.services import service
    from app.models import Entity

    @service("review.failing_flush")
    def failing_flush(context, params, data):
        context.session.add(Entity(code="OMG", name="Dubbel"))
        context.session.flush()

    body = """<bpmn:serviceTask id="fail" name="Mislukt"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="review.failing_flush"/></bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:serviceTask>
      <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="fail"/>
      <bpmn:sequenceFlow id="f3" sourceRef="fail" targetRef="end"/>"""
    with pg_app.app_context():
        deploy(db.session(), "failing_flush", body, refs="<bpmn:flowNodeRef>fail</bpmn:flowNodeRef>"
                                                         "<bpmn:flowNodeRef>end</bpmn:flowNodeRef>")
    db.session.remove()
    client = pg_app.test_client()
    login(client, OMG_SECRETARY)
    for _attempt in range(2):
        token = csrf_token(client.get("/processes/failing_flush/start").get_data(as_text=True))
        response = client.post("/processes/failing_flush/start",
                               data={"entity": "OMG", "decision": "approve", "csrf_token": token})
        assert response.status_code == 500
        assert "Het proces liep vast." in response.get_data(as_text=True)
    assert "IntegrityError" in caplog.text, "the log tells the operator what failed"
    with pg_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(ProcessInstance)) == 0
        assert db.session().scalar(select(func.count()).select_from(Task)) == 0
