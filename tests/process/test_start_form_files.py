"""F6 at a start: a start form's file field carries only the starter's own new upload, and that upload serves
one instance only."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.config import PROJECT_ROOT
from app.engine import registry
from app.engine.errors import InvalidData
from app.models import StoredFile, Task
from app.workflow import services
from tests.helpers import OMG_CONFIDANT, OMG_SECRETARY, entity, user

PDF = b"%PDF-1.4\n%%EOF\n"
MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://t">
  <bpmn:process id="upload_start" name="Opladen bij de start" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="l1" name="eoc_secretary">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>ask</bpmn:flowNodeRef><bpmn:flowNodeRef>done</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="ask" name="Attest opladen">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="training_certificate.schema.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask"/>
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="done"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def secretary(session):
    registry.deploy(session, "upload_start", {"upload_start.bpmn": MODEL},
                    registry.load_forms(PROJECT_ROOT / "forms"))
    session.commit()
    return user(session, OMG_SECRETARY)


def start(session, starter, certificate: str):
    return services.start_process(session, starter, "upload_start", entity(session, "OMG"),
                                  {"training_completed_on": "2027-05-20", "certificate": certificate})


def test_f6_a_start_form_takes_the_starters_new_upload_once(session, secretary):
    own = services.file_store(session, secretary)(None, PDF, "application/pdf")
    instance = start(session, secretary, own)
    session.commit()
    start_task = session.scalar(select(Task.id).where(Task.instance_id == instance.id))
    assert session.get(StoredFile, int(own[5:])).task_id == start_task, "tied to the instance it started"
    with pytest.raises(InvalidData) as again:
        start(session, secretary, own)
    session.rollback()
    assert "hoort niet bij deze taak" in again.value.errors["certificate"]


def test_f6_a_start_form_refuses_someone_elses_upload(session, secretary):
    sofies = services.file_store(session, user(session, OMG_CONFIDANT))(None, PDF, "application/pdf")
    session.commit()
    with pytest.raises(InvalidData) as refused:
        start(session, secretary, sofies)
    session.rollback()
    assert list(refused.value.errors) == ["certificate"]
