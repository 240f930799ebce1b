"""The instance page's administration (issue 10): where an instance stands on its diagram (GET
/instances/<id>/diagram for the viewer, and the same as a list of steps on the page), only for who may see its steps;
an admin sees the names of its data, never the values; a failed timer is retried from the page; an admin moves one
instance to another version from its page: first what changes, then the move, in the history and the audit log."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from app.config import PROJECT_ROOT
from app.engine.registry import deploy as deploy_version
from app.engine.registry import load_forms
from app.models import AuditEntry, HistoryEvent, InstanceStatus, ProcessInstance, Timer, TimerState
from app.workflow import services
from tests.helpers import (
    ADMIN,
    AWV_SECRETARY,
    OMG_CONFIDANT,
    OMG_SECRETARY,
    appointment_data,
    csrf_token,
    delicate_case,
    entity,
    login,
    user,
)
from tests.small_models import deploy

# After 'ask' (the start form, completed at the start): a split into a user task and a one-hour timer.
SPLIT = """
    <bpmn:parallelGateway id="split"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:userTask id="check" name="Nakijken">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="appointment_review.schema.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing></bpmn:userTask>
    <bpmn:intermediateCatchEvent id="wait" name="Een uur wachten"><bpmn:incoming>f4</bpmn:incoming>
      <bpmn:outgoing>f6</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:parallelGateway id="join"><bpmn:incoming>f5</bpmn:incoming><bpmn:incoming>f6</bpmn:incoming>
      <bpmn:outgoing>f7</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:endEvent id="end"><bpmn:incoming>f7</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="split"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="check"/>
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="wait"/>
    <bpmn:sequenceFlow id="f5" sourceRef="check" targetRef="join"/>
    <bpmn:sequenceFlow id="f6" sourceRef="wait" targetRef="join"/>
    <bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="end"/>"""
REFS = "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in ("split", "check", "wait", "join", "end"))
APPOINTMENT = (PROJECT_ROOT / "bpmn" / "appointment.bpmn").read_text()


@pytest.fixture
def waiting(store, redis_client) -> int:
    """An instance whose start step 'Vraag' is completed, 'Nakijken' is ready and 'Een uur wachten' waits."""
    deploy(store, "split_wait", SPLIT, refs=REFS)
    instance = services.start_process(store, user(store, OMG_SECRETARY), "split_wait", entity(store, "OMG"),
                                      {"decision": "approve"})
    store.commit()
    return instance.id


@pytest.fixture
def admin(client):
    login(client, ADMIN)
    return client


def steps_listed(page: str) -> list[str]:
    """The list of steps under the diagram, as text: "<state> <step>"."""
    listed = re.search(r'<ol class="step-list">(.*?)</ol>', page, re.S)
    assert listed, "the page lists no steps"
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li>(.*?)</li>", listed[1], re.S)]


def test_the_diagram_marks_the_completed_the_ready_and_the_waiting_steps_and_the_page_lists_them(app, client,
                                                                                                  waiting):
    login(client, OMG_SECRETARY)
    response = client.get(f"/instances/{waiting}/diagram")
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert body["elements"] == {"start": "completed", "ask": "completed", "split": "completed", "check": "active",
                                "wait": "waiting"}
    assert "BPMNShape" in body["xml"] and 'bpmnElement="wait"' in body["xml"], "laid out: the model has no drawing"
    page = client.get(f"/instances/{waiting}").get_data(as_text=True)
    assert steps_listed(page) == ["afgewerkt Vraag", "bezig Nakijken", "wacht Een uur wachten"]
    assert 'data-diagram-url="/instances/%d/diagram"' % waiting in page and "/vendor/bpmn-viewer.js" in page


def test_the_diagram_names_its_steps_and_lanes_in_the_readers_language(app, client, store):
    instance_id = services.start_process(store, user(store, OMG_SECRETARY), "appointment", entity(store, "OMG"),
                                         appointment_data()).id
    store.commit()
    login(client, OMG_SECRETARY)
    client.post("/language", data={"lang": "en", "next": "/inbox",
                                   "csrf_token": csrf_token(client.get("/inbox").get_data(as_text=True))})
    xml = client.get(f"/instances/{instance_id}/diagram").get_json()["xml"]
    assert 'name="Review the appointment"' in xml and "Aanstelling nakijken" not in xml
    # Each role keeps its lane, which is said by the role, never by its key.
    assert 'name="PAPSY"' in xml and 'name="EOC secretary"' in xml and 'name="eoc_secretary"' not in xml
    assert "BPMNShape" in xml and 'bpmnElement="lane_papsy"' in xml


@pytest.mark.parametrize(("who", "status"), [(AWV_SECRETARY, 403), (OMG_CONFIDANT, 403), (None, 302)])
def test_the_diagram_is_refused_to_who_may_not_see_the_instance(app, client, waiting, who, status):
    if who:
        login(client, who)
    response = client.get(f"/instances/{waiting}/diagram")
    assert response.status_code == status
    assert b"BPMN" not in response.data and b"Nakijken" not in response.data


def test_of_a_confidential_instance_the_admin_gets_no_diagram_no_steps_and_no_data_names(app, client, store, admin):
    """Issue 5: an admin sees that a delicate case exists and its status; which steps it went through and what its
    data is called is its participants' to know."""
    _, case = delicate_case(store)
    store.commit()
    assert admin.get(f"/instances/{case}/diagram").status_code == 403
    page = admin.get(f"/instances/{case}").get_data(as_text=True)
    assert "step-list" not in page and "data-diagram-url" not in page and "Gegevens van het proces" not in page
    participant = client.application.test_client()
    login(participant, OMG_CONFIDANT)
    assert participant.get(f"/instances/{case}/diagram").get_json()["elements"]
    assert admin.get("/instances/999999/diagram").status_code == 404


def test_an_admin_sees_the_names_of_the_instances_data_and_nobody_else_does(app, client, store, admin):
    instance = services.start_process(store, user(store, OMG_SECRETARY), "appointment", entity(store, "OMG"),
                                      appointment_data(eoc_reference="EOC/2026/99"))
    store.commit()
    page = admin.get(f"/instances/{instance.id}").get_data(as_text=True)
    section = re.search(r'<ul class="data-names">(.*?)</ul>', page, re.S)[1]
    names = re.findall(r"<code>([^<]+)</code>", section)
    assert {"candidate_name", "eoc_reference", "function"} <= set(names) and names == sorted(names)
    assert "EOC/2026/99" not in section and "Jana" not in section
    secretary = app.test_client()
    login(secretary, OMG_SECRETARY)
    assert "data-names" not in secretary.get(f"/instances/{instance.id}").get_data(as_text=True)


def test_a_failed_timer_is_retried_from_the_instance_page_and_the_admin_is_back_there(app, admin, store, waiting):
    timer = store.scalar(select(Timer).where(Timer.instance_id == waiting))
    instance = store.get(ProcessInstance, waiting)
    timer.state, timer.attempts = TimerState.FAILED, 4
    instance.status = InstanceStatus.INCIDENT
    instance.incident = json.dumps({"timer": timer.spec_name, "attempts": 4, "cause": "step"})
    store.commit()
    page = admin.get(f"/instances/{waiting}").get_data(as_text=True)
    assert "Een uur wachten" in page and "mislukt" in page and f"/admin/timers/{timer.id}/retry" in page
    retried = admin.post(f"/admin/timers/{timer.id}/retry",
                         data={"next": f"/instances/{waiting}", "csrf_token": csrf_token(page)})
    assert retried.status_code == 302 and retried.location.endswith(f"/instances/{waiting}")
    store.expire_all()
    assert store.get(Timer, timer.id).state == TimerState.PENDING
    assert (store.get(ProcessInstance, waiting).status, store.get(ProcessInstance, waiting).incident) == \
        (InstanceStatus.RUNNING, None)
    away = admin.post(f"/admin/timers/{timer.id}/retry", data={"next": "//evil.example/", "csrf_token": csrf_token(page)})
    assert away.location.endswith(f"/admin/timers#timer-{timer.id}"), "a redirect never leaves the site"


def test_an_admin_sees_what_changes_then_moves_one_instance_to_version_2(app, admin, store):
    instance = services.start_process(store, user(store, OMG_SECRETARY), "appointment", entity(store, "OMG"),
                                      appointment_data())
    store.commit()
    deploy_version(store, "appointment", {"appointment.bpmn": APPOINTMENT.replace(
        'name="Aanstelling nakijken"', 'name="Aanstelling controleren"')}, load_forms(PROJECT_ROOT / "forms"))
    store.commit()
    page = admin.get(f"/instances/{instance.id}").get_data(as_text=True)
    assert f'action="/instances/{instance.id}/migrate"' in page and '<option value="2" selected>2</option>' in page
    preview = admin.get(f"/instances/{instance.id}/migrate?version=2")
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Aanstelling nakijken" in text and "Naar versie 2 verhuizen" in text
    store.expire_all()
    assert store.get(ProcessInstance, instance.id).model_version.version == 1, "seeing what changes moves nothing"
    moved = admin.post(f"/instances/{instance.id}/migrate", data={"version": "2", "csrf_token": csrf_token(text)})
    assert moved.status_code == 302 and moved.location.endswith(f"/instances/{instance.id}")
    store.expire_all()
    assert store.get(ProcessInstance, instance.id).model_version.version == 2
    after = admin.get(f"/instances/{instance.id}").get_data(as_text=True)
    assert "Het proces staat nu op versie 2." in after and "naar een andere versie verplaatst (van versie 1 naar 2)" in after
    assert ("migrated", "1 -> 2") in store.execute(select(HistoryEvent.kind, HistoryEvent.detail)
                                                   .where(HistoryEvent.instance_id == instance.id)).all()
    assert f"migrate_instance {instance.id}" in store.scalars(select(AuditEntry.action)).all()


def test_a_move_that_would_change_a_completed_step_is_refused_with_why_and_nothing_moves(app, admin, store):
    instance = services.start_process(store, user(store, OMG_SECRETARY), "appointment", entity(store, "OMG"),
                                      appointment_data())
    store.commit()
    deploy_version(store, "appointment", {"appointment.bpmn": APPOINTMENT.replace(
        'name="Aanstelling indienen"', 'name="Aanvraag indienen"')}, load_forms(PROJECT_ROOT / "forms"))
    store.commit()
    preview = admin.get(f"/instances/{instance.id}/migrate?version=2").get_data(as_text=True)
    assert "Dit proces kan niet naar versie 2" in preview and "Aanstelling indienen" in preview
    assert "Naar versie 2 verhuizen" not in preview
    refused = admin.post(f"/instances/{instance.id}/migrate", data={"version": "2", "csrf_token": csrf_token(preview)})
    assert refused.status_code == 302
    assert "Aanstelling indienen" in admin.get(refused.location).get_data(as_text=True)
    for bad in ("7", "x", "1"):
        answer = admin.get(f"/instances/{instance.id}/migrate?version={bad}")
        assert answer.status_code == 302, bad
        assert "versie" in admin.get(answer.location).get_data(as_text=True)
    store.expire_all()
    assert store.get(ProcessInstance, instance.id).model_version.version == 1
