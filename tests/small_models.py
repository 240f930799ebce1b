"""Small one-lane process models for tests, built from pieces of BPMN: deploy one, find its ready task."""
from __future__ import annotations

from app.config import PROJECT_ROOT
from app.engine import registry

FORMS = registry.load_forms(PROJECT_ROOT / "forms")
_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="defs_{key}" targetNamespace="http://review">
  <bpmn:process id="{key}" name="Review {key}" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="l1" name="eoc_secretary">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>ask</bpmn:flowNodeRef>
      {refs}
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="ask" name="Vraag">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="appointment_review.schema.json"/>
        </spiffworkflow:properties>
        {ask_extensions}
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    {body}
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask"/>
  </bpmn:process>
</bpmn:definitions>
"""


def deploy(session, key: str, body: str, refs: str = "", ask_extensions: str = ""):
    """Deploy a model: start -> user task 'ask' (lane eoc_secretary, review form) -> ``body`` (from flow f2)."""
    xml = _HEAD.format(key=key, body=body, refs=refs, ask_extensions=ask_extensions)
    version = registry.deploy(session, key, {f"{key}.bpmn": xml}, FORMS)
    session.commit()
    return version


def ready_task(session, instance, spec_name):
    """The READY projected task ``spec_name`` of ``instance``."""
    from sqlalchemy import select

    from app.models import Task, TaskState

    return session.scalar(select(Task).where(Task.instance_id == instance.id, Task.state == TaskState.READY,
                                             Task.spec_name == spec_name))
