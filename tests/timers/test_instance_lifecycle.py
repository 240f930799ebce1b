"""An admin suspends, resumes and terminates an instance (issue 10): a suspended instance's tasks cannot be completed
(409) and its timers are held, firing on resume when overdue; a terminated one has its open tasks and timers
cancelled and its history kept; each step is in the history and the audit log. The clock is moved, never waited on."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.dossiers import audit
from app.models import AuditEntry, HistoryEvent, InstanceStatus, ProcessInstance, Task, TaskState, TimerState
from app.workflow import services
from tests.api_client import bearer
from tests.helpers import ADMIN, OMG_PAPSY, OMG_SECRETARY, appointment_data, csrf_token, entity, login, user
from tests.timers.test_durable_timers import T0, WAITING, clock, runs_after_timer, started, timer  # noqa: F401
from workers.jobs import fire_timer


@pytest.fixture
def admin(app):
    return bearer(app, ADMIN)


def act(client, headers, instance_id: int, action: str, body: dict | None = None):
    return client.post(f"/api/v1/process-instances/{instance_id}/{action}", json=body or {}, headers=headers)


def history(store, instance_id: int) -> list[tuple[str, str | None]]:
    store.expire_all()
    return [(event.kind, event.detail) for event in store.scalars(
        select(HistoryEvent).where(HistoryEvent.instance_id == instance_id).order_by(HistoryEvent.id))]


def test_a_suspended_instances_timers_are_held_and_an_overdue_one_fires_on_resume(client, store, started, clock,
                                                                                     admin, redis_client):
    response = act(client, admin, started, "suspend")
    assert response.status_code == 200 and response.get_json()["status"] == "suspended"
    assert {timer(store, "wait").state, timer(store, "deadline").state} == {TimerState.HELD}
    assert redis_client.zscore(WAITING, str(timer(store, "wait").id)) is None, "no job waits for a held timer"
    clock.move_to(T0 + timedelta(hours=2))
    assert fire_timer(timer(store, "wait").id) == "gone" and runs_after_timer(store) == 0
    assert act(client, admin, started, "suspend").status_code == 409
    response = act(client, admin, started, "resume")
    assert response.status_code == 200 and response.get_json()["status"] == "running"
    wait = timer(store, "wait")
    assert wait.state == TimerState.PENDING and redis_client.zscore(WAITING, str(wait.id)) is not None
    assert fire_timer(wait.id) == "fired" and runs_after_timer(store) == 1
    kinds = [kind for kind, _ in history(store, started)]
    assert kinds.index("suspended") < kinds.index("resumed") < len(kinds) - 1, kinds  # then the timer's step ran
    actions = list(store.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == [f"suspend_instance {started}", f"resume_instance {started}"]
    assert audit.verify(store, audit_key="test-audit-key").intact


def test_a_task_of_a_suspended_instance_cannot_be_completed_until_it_is_resumed(app, client, store, admin):
    instance = services.start_process(store, user(store, OMG_SECRETARY), "appointment", entity(store, "OMG"),
                                      appointment_data())
    store.commit()
    review = store.scalar(select(Task.id).where(Task.instance_id == instance.id, Task.state == TaskState.READY))
    papsy = bearer(app, OMG_PAPSY)
    assert act(client, admin, instance.id, "suspend").status_code == 200
    refused = client.post(f"/api/v1/tasks/{review}/complete", json={"data": {"decision": "approve"}}, headers=papsy)
    assert refused.status_code == 409 and "opgeschort" in refused.get_json()["error"]
    store.expire_all()
    assert store.get(Task, review).state == TaskState.READY
    assert act(client, admin, instance.id, "resume").status_code == 200
    done = client.post(f"/api/v1/tasks/{review}/complete", json={"data": {"decision": "approve"}}, headers=papsy)
    assert done.status_code == 200, done.get_json()


def test_terminating_cancels_the_open_tasks_and_timers_and_keeps_the_history_with_the_reason(app, store, started,
                                                                                              redis_client):
    web = app.test_client()
    login(web, ADMIN)
    page = web.get(f"/instances/{started}").get_data(as_text=True)
    assert "Opschorten" in page and "Reden om te beëindigen" in page
    empty = web.post(f"/instances/{started}/terminate", data={"reason": " ", "csrf_token": csrf_token(page)})
    assert empty.status_code == 302 and store.get(ProcessInstance, started).status == InstanceStatus.RUNNING
    assert "Geef een reden" in web.get(f"/instances/{started}").get_data(as_text=True)
    done = web.post(f"/instances/{started}/terminate", data={"reason": "Dubbel gestart", "csrf_token": csrf_token(page)})
    assert done.status_code == 302
    store.expire_all()
    assert store.get(ProcessInstance, started).status == InstanceStatus.CANCELLED
    assert {timer(store, "wait").state, timer(store, "deadline").state} == {TimerState.CANCELLED}
    assert redis_client.zscore(WAITING, str(timer(store, "wait").id)) is None
    assert history(store, started)[-1] == ("terminated", "Dubbel gestart")
    shown = web.get(f"/instances/{started}").get_data(as_text=True)
    assert "Het proces is beëindigd." in shown and "Dit proces werd beëindigd." in shown and "Opschorten" not in shown
    again = web.post(f"/instances/{started}/terminate", data={"reason": "x", "csrf_token": csrf_token(shown)})
    assert again.status_code == 302 and "Dit proces is al afgelopen." in web.get(f"/instances/{started}").get_data(
        as_text=True)


def test_a_task_form_sent_while_its_instance_is_suspended_stays_as_filled_in(app, client, store, admin):
    instance = services.start_process(store, user(store, OMG_SECRETARY), "appointment", entity(store, "OMG"),
                                      appointment_data())
    store.commit()
    review = store.scalar(select(Task.id).where(Task.instance_id == instance.id, Task.state == TaskState.READY))
    web = app.test_client()
    login(web, OMG_PAPSY)
    form = web.get(f"/tasks/{review}").get_data(as_text=True)
    assert act(client, admin, instance.id, "suspend").status_code == 200
    sent = web.post(f"/tasks/{review}", data={"decision": "send_back", "send_back_reason": "Referentie ontbreekt",
                                              "csrf_token": csrf_token(form)})
    page = sent.get_data(as_text=True)
    assert sent.status_code == 409 and "Dit proces is opgeschort door een beheerder" in page
    assert "Referentie ontbreekt" in page, "what the PAPSY wrote is still there"
    store.expire_all()
    assert store.get(Task, review).state == TaskState.READY
