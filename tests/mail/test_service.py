"""``mail.notify``, the service task of BPMN reminder steps: one mail, from the listed task-data fields only."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from app.engine.registry import deploy
from app.engine.services import ServiceContext, service_caller
from app.models import OutboxMessage, Task
from app.workflow import services
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, appointment_data, entity, user
from tests.mail.test_notify import CANARY, outbox

SECRET_DATA = {"candidate_name": CANARY, "narrative": f"Het verhaal van {CANARY}", "note": CANARY}


@pytest.fixture
def appointment(session):
    """An OMG appointment waiting for the PAPSY's review, and a service caller bound to it."""
    instance = services.start_process(session, user(session, OMG_SECRETARY), "appointment", entity(session, "OMG"),
                                      appointment_data())
    session.execute(delete(OutboxMessage))
    call = service_caller(ServiceContext(session=session, instance_id=instance.id, entity_id=instance.entity_id))
    return instance, call


def test_a_reminder_goes_to_the_user_with_the_link_to_their_open_task(app, session, appointment):
    instance, call = appointment
    papsy = user(session, OMG_PAPSY)
    data = {"reminder_what": "Aanstelling nakijken", "due_date": "2026-12-31", **SECRET_DATA}
    message_id = call("mail.notify", {"template": "reminder", "to_user_id": papsy.id}, data)
    [mail] = outbox(session)
    review = session.scalar(select(Task.id).where(Task.instance_id == instance.id,
                                                  Task.spec_name == "review_appointment"))
    assert (mail.id, mail.to_address, mail.kind, mail.instance_id) == (message_id, OMG_PAPSY, "reminder", instance.id)
    assert mail.subject == "Herinnering: Aanstelling nakijken (uiterlijk 31 dec. 2026)"
    assert f"/tasks/{review}" in mail.body and "Entiteit:  Departement Omgeving" in mail.body
    assert CANARY not in mail.subject + mail.body


def test_a_reminder_to_an_english_user_names_the_step_and_process_in_english(app, session, appointment):
    _, call = appointment
    papsy = user(session, OMG_PAPSY)
    papsy.locale = "en"
    call("mail.notify", {"template": "reminder", "to_user_id": papsy.id}, {"due_date": "2026-12-31"})
    [mail] = outbox(session)
    assert mail.subject == "Reminder: Review the appointment (by 31 Dec 2026)"
    assert "Process:   Appointment of a confidant" in mail.body and "Aanstelling" not in mail.body


def test_a_reminder_for_someone_without_an_open_task_links_the_inbox(app, session, appointment):
    _, call = appointment
    data = {"reminder_what": "Basisopleiding", "due_date": "2026-12-31T16:00:00+00:00", **SECRET_DATA}
    call("mail.notify", {"template": "reminder", "to_user_id": user(session, OMG_CONFIDANT).id}, data)
    [mail] = outbox(session)
    assert "http://127.0.0.1:5000/inbox" in mail.body and "/tasks/" not in mail.body
    assert "Uiterlijk: 31 dec. 2026 17:00" in mail.body and CANARY not in mail.body


def test_a_certificate_rejection_carries_the_papsys_reason(app, session, appointment):
    _, call = appointment
    data = {"rejection_reason": "Het attest vermeldt geen datum.", **SECRET_DATA}
    call("mail.notify", {"template": "certificate_rejected", "to_user_id": user(session, OMG_CONFIDANT).id}, data)
    [mail] = outbox(session)
    assert mail.subject == "Uw attest werd niet goedgekeurd" and mail.to_address == OMG_CONFIDANT
    assert "Reden die de PAPSY opgaf: Het attest vermeldt geen datum." in mail.body and CANARY not in mail.body


@pytest.mark.parametrize(("params", "data", "problem"), [
    ({"template": "task_assigned", "to_user_id": 1}, {}, "template must be one of"),
    ({"template": "../../config", "to_user_id": 1}, {}, "template must be one of"),
    ({"template": "reminder", "to_user_id": "1"}, {}, "to_user_id must be a user id"),
    ({"template": "reminder", "to_user_id": 999999}, {}, "to_user_id names no user"),
    ({"template": "certificate_rejected", "to_user_id": None}, {"rejection_reason": "x"}, "must be a user id"),
    ({"template": "certificate_rejected", "to_user_id": "papsy"}, {}, "must be a user id"),
    ({"template": "certificate_rejected"}, {"rejection_reason": " "}, "rejection_reason is missing"),
    ({"template": "reminder"}, {"reminder_what": "x", "due_date": "morgen, na het gesprek met X"}, "ISO date"),
])
def test_wrong_parameters_are_refused(app, session, appointment, params, data, problem):
    _, call = appointment
    params = {"to_user_id": user(session, OMG_CONFIDANT).id, **params}
    with pytest.raises(ValueError, match=problem):
        call("mail.notify", params, data)
    assert outbox(session) == []


def _bpmn(to_user_id: int) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://test">
  <bpmn:process id="mail_check" name="Attest nakijken" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_confidant" name="confidant">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>submit</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="lane_system" name="system">
        <bpmn:flowNodeRef>notify</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="submit" name="Attest indienen"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formJsonSchemaFilename" value="cert.schema.json"/></spiffworkflow:properties>
      </bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:serviceTask id="notify" name="Melden"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="mail.notify" resultVariable="mail_id"><spiffworkflow:parameters>
        <spiffworkflow:parameter id="template" type="str" value="'certificate_rejected'"/>
        <spiffworkflow:parameter id="to_user_id" type="int" value="{to_user_id}"/>
      </spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="submit"/>
    <bpmn:sequenceFlow id="f2" sourceRef="submit" targetRef="notify"/>
    <bpmn:sequenceFlow id="f3" sourceRef="notify" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


CERT_FORM = {"schema": {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Attest", "type": "object",
                        "properties": {"rejection_reason": {"type": "string", "title": "Reden"},
                                       "note": {"type": "string", "title": "Notitie"}}}, "ui": {}}


def test_a_bpmn_service_task_queues_the_mail(app, session):
    confidant = user(session, OMG_CONFIDANT)
    deploy(session, "mail_check", {"mail_check.bpmn": _bpmn(confidant.id)}, {"cert": CERT_FORM})
    instance = services.start_process(session, confidant, "mail_check", entity(session, "OMG"),
                                      {"rejection_reason": "Onleesbare scan.", "note": CANARY})
    session.commit()
    mails = [m for m in outbox(session) if m.kind == "certificate_rejected"]
    assert [(m.to_address, m.instance_id) for m in mails] == [(OMG_CONFIDANT, instance.id)]
    assert "Reden die de PAPSY opgaf: Onleesbare scan." in mails[0].body and CANARY not in mails[0].body
    assert "Proces:    Attest nakijken" in mails[0].body
