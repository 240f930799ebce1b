"""Workflow data survives the round trip through the stored state: what JSON cannot hold exactly is converted as
SpiffWorkflow converts it, or refused; never stored lossy."""
from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from app.engine import registry
from app.engine.runner import load as load_workflow
from app.engine.serialization import dump_state, load_state, version_spec
from app.models import InstanceStatus, ProcessInstance
from app.workflow import services
from tests.helpers import OMG_SECRETARY, entity, user
from tests.small_models import deploy

SCRIPT = """
    <bpmn:scriptTask id="calc" name="Rekenen">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>kinds = set(["a", "b", "a"])</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="done"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="calc"/>
    <bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="done"/>"""


def test_a_set_in_task_data_is_saved_as_a_list(session):
    """A set built by a script (``set`` is an allowed builtin) is saved as a list, as SpiffWorkflow's own encoder
    does, and the process runs to its end."""
    deploy(session, "review_set", SCRIPT, refs="".join(
        f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ("calc", "done")))
    try:
        instance = services.start_process(session, user(session, OMG_SECRETARY), "review_set",
                                          entity(session, "OMG"), {"decision": "approve"})
        session.flush()
        row = session.get(ProcessInstance, instance.id)
        assert row.status == InstanceStatus.COMPLETED
        kinds = load_workflow(row).data["kinds"]
        assert isinstance(kinds, list) and sorted(kinds) == ["a", "b"]
    finally:
        session.rollback()


def test_big_integers_in_workflow_data_are_refused_never_stored_lossy(session):
    """Integers up to 64 bits come back exactly; a bigger one (it would come back as a float) is refused with
    TypeError, which the engine turns into ProcessFailed (and forms refuse such numbers at input)."""
    version = registry.current_version(session, "appointment")
    workflow = BpmnWorkflow(*version_spec(version))
    workflow.data["count"] = 2**63 - 1
    assert load_state(dump_state(workflow), version).data["count"] == 2**63 - 1
    workflow.data["count"] = 2**64 + 1
    with pytest.raises(TypeError):
        dump_state(workflow)
