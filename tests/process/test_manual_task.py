"""A bpmn:manualTask is a human task: a model is accepted only if it has a known role as lane and a form, as a
user task must (without a form, whatever a client sends would go into the workflow data unchecked)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.engine.errors import ModelInvalid
from app.models import ProcessModel
from tests.small_models import deploy

MANUAL = """
    <bpmn:manualTask id="confirm" name="Bevestigen">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:manualTask>
    <bpmn:endEvent id="done"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="confirm"/>
    <bpmn:sequenceFlow id="f3" sourceRef="confirm" targetRef="done"/>"""


def test_a_manual_task_without_a_form_is_refused_at_deploy(session):
    """A manual task without a form is refused when the model is deployed, with the task named in the reason;
    nothing of the model is stored."""
    with pytest.raises(ModelInvalid) as refused:
        deploy(session, "review_manual", MANUAL, refs="".join(
            f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ("confirm", "done")))
    session.rollback()
    assert refused.value.problems == ["Bevestigen: er is geen formulier gekozen"]
    assert session.scalar(select(ProcessModel).where(ProcessModel.key == "review_manual")) is None
