"""Review: a bpmn:manualTask is a human task that skips every model check and every data check."""
from __future__ import annotations

import pytest

from app.engine.errors import EngineError, ModelInvalid
from app.engine.runner import load as load_workflow
from app.models import ProcessInstance, Task, TaskState
from app.workflow import services
from sqlalchemy import select
from tests.helpers import OMG_SECRETARY, entity, user
from tests.small_models import deploy

MANUAL = """
    <bpmn:manualTask id="confirm" name="Bevestigen">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:manualTask>
    <bpmn:endEvent id="done"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="confirm"/>
    <bpmn:sequenceFlow id="f3" sourceRef="confirm" targetRef="done"/>"""


def test_review_manual_task_is_checked_like_a_user_task_or_takes_no_data(session):
    """BUG (should fix): specs._check_task_spec checks lane and form only for UserTask; a bpmn:manualTask is
    ``manual`` too, so the projection puts it in an inbox (form_name NULL), and services.complete_task skips
    _known_fields/_validate when there is no form: ``spiff_task.data.update(data)`` with whatever the API client
    sends (here it overwrites 'decision', which a gateway could route on). On the web, POST to such a task is a
    500 (parse_submission(None, ...)).
    Fails now; passes once deploy refuses manual tasks without lane/form (treat ``task_spec.manual`` like a
    user task) or complete_task refuses any data for a formless task."""
    try:
        deploy(session, "review_manual", MANUAL, refs="".join(
            f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ("confirm", "done")))
    except ModelInvalid:
        return  # refused at deploy: fixed
    secretary = user(session, OMG_SECRETARY)
    instance = services.start_process(session, secretary, "review_manual", entity(session, "OMG"),
                                      {"decision": "approve"})
    task = session.scalar(select(Task).where(Task.instance_id == instance.id, Task.state == TaskState.READY))
    assert task.form_name is None
    try:
        services.complete_task(session, secretary, task.id, {"decision": "forged", "anything": {"x": 1}})
    except EngineError:
        session.rollback()
        return  # refused: fixed
    workflow = load_workflow(session.get(ProcessInstance, instance.id))
    session.rollback()
    assert workflow.data.get("decision") != "forged"
