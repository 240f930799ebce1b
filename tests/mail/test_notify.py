"""Who is told of a new task, and that no mail carries task data it was not explicitly given."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select

from app.auth.accounts import assign_papsy
from app.mail import notify_new_tasks
from app.models import MailStatus, OutboxMessage, ProcessInstance, Task, TaskState
from app.workflow import services
from tests.helpers import AWV_PAPSY, AWV_SECRETARY, OMG_PAPSY, OMG_SECRETARY, appointment_data, entity, user

CANARY = "KANARIE-7f3a9c"
CANARY_DATA = {"candidate_name": f"Jana {CANARY}", "function": CANARY, "eoc_reference": CANARY,
               "candidate_email": f"{CANARY.lower()}@omgeving.vlaanderen.example"}


def start_appointment(session, secretary: str = OMG_SECRETARY, code: str = "OMG", **data) -> ProcessInstance:
    instance = services.start_process(session, user(session, secretary), "appointment", entity(session, code),
                                      appointment_data(**data))
    session.execute(delete(OutboxMessage))  # what the engine may queue itself: these tests call notify directly
    return instance


def new_task_rows(session, instance_id: int) -> list[dict]:
    """The READY tasks as the projection's rows (the dicts notify_new_tasks is given)."""
    tasks = session.scalars(select(Task).where(Task.instance_id == instance_id, Task.state == TaskState.READY))
    return [{"instance_id": t.instance_id, "spiff_task_id": t.spiff_task_id, "spec_name": t.spec_name,
             "title": t.title, "lane": t.lane, "entity_id": t.entity_id, "assignee_id": t.assignee_id,
             "form_name": t.form_name, "due_at": t.due_at} for t in tasks]


def outbox(session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_review_task_goes_to_the_papsy_of_its_entity(app, session):
    instance = start_appointment(session)
    rows = new_task_rows(session, instance.id)
    assert [row["spec_name"] for row in rows] == ["review_appointment"]
    assert notify_new_tasks(session, rows) == 1
    [mail] = outbox(session)
    task_id = session.scalar(select(Task.id).where(Task.instance_id == instance.id, Task.state == TaskState.READY))
    assert (mail.to_address, mail.kind, mail.instance_id) == (OMG_PAPSY, "task_assigned", instance.id)
    assert mail.status == MailStatus.HELD
    assert mail.subject == "Nieuwe taak in Vertrouwd: Aanstelling nakijken"
    assert "Entiteit:  Departement Omgeving" in mail.body and "Stap:      Aanstelling nakijken" in mail.body
    assert f"Proces:    {instance.model_version.model.name}" in mail.body
    assert f"http://127.0.0.1:5000/tasks/{task_id}" in mail.body and "Uiterlijk" not in mail.body


def test_a_task_mail_is_written_in_each_recipients_language(app, session):
    assign_papsy(session, user(session, AWV_PAPSY), entity(session, "OMG"))  # two PAPSY for OMG: one reads English
    user(session, AWV_PAPSY).locale = "en"
    instance = start_appointment(session)
    assert notify_new_tasks(session, new_task_rows(session, instance.id)) == 2
    mails = {mail.to_address: mail for mail in outbox(session)}
    english, dutch = mails[AWV_PAPSY], mails[OMG_PAPSY]
    assert english.subject == "New task in Vertrouwd: Review the appointment"
    assert "Process:   Appointment of a confidant" in english.body
    assert "Step:      Review the appointment" in english.body
    assert "deliberately contains nothing from any dossier" in english.body
    assert "Aanstelling" not in english.body and "Goeiedag" not in english.body
    assert dutch.subject == "Nieuwe taak in Vertrouwd: Aanstelling nakijken" and "Goeiedag" in dutch.body


@pytest.mark.parametrize(("secretary", "code", "papsy"), [(OMG_SECRETARY, "OMG", OMG_PAPSY),
                                                           (AWV_SECRETARY, "AWV", AWV_PAPSY)])
def test_the_papsy_of_another_entity_is_not_told(app, session, secretary, code, papsy):
    instance = start_appointment(session, secretary, code)
    notify_new_tasks(session, new_task_rows(session, instance.id))
    assert [m.to_address for m in outbox(session)] == [papsy]


def test_an_assigned_task_goes_only_to_its_assignee(app, session):
    assign_papsy(session, user(session, AWV_PAPSY), entity(session, "OMG"))  # now OMG has two PAPSY
    instance = start_appointment(session)
    [row] = new_task_rows(session, instance.id)
    assert notify_new_tasks(session, [row]) == 2
    assert sorted(m.to_address for m in outbox(session)) == sorted([OMG_PAPSY, AWV_PAPSY])
    session.execute(delete(OutboxMessage))
    assert notify_new_tasks(session, [{**row, "assignee_id": user(session, AWV_PAPSY).id}]) == 1
    assert [m.to_address for m in outbox(session)] == [AWV_PAPSY]


def test_inactive_users_and_the_system_lane_are_not_told(app, session):
    instance = start_appointment(session)
    [row] = new_task_rows(session, instance.id)
    assert notify_new_tasks(session, [{**row, "lane": "system"}]) == 0
    user(session, OMG_PAPSY).active = False
    assert notify_new_tasks(session, [row]) == 0
    assert notify_new_tasks(session, [{**row, "assignee_id": user(session, OMG_PAPSY).id}]) == 0
    assert outbox(session) == []


def test_the_due_date_is_shown_in_brussels_time(app, session):
    instance = start_appointment(session)
    [row] = new_task_rows(session, instance.id)
    notify_new_tasks(session, [{**row, "due_at": datetime(2026, 12, 31, 16, 0, tzinfo=UTC)}])
    assert "Uiterlijk: 31 dec. 2026 17:00" in outbox(session)[0].body


def test_a_task_mail_carries_nothing_of_the_task_data(app, session):
    instance = start_appointment(session, **CANARY_DATA)
    assert notify_new_tasks(session, new_task_rows(session, instance.id)) == 1
    [mail] = outbox(session)
    assert CANARY not in mail.subject and CANARY.lower() not in mail.body.lower()


@pytest.mark.redis
def test_the_mail_the_server_receives_carries_no_task_data(smtp_app, session, smtp_server, redis_client):
    from tests.mail.test_outbox import run_worker_once, text_of

    instance = start_appointment(session, **CANARY_DATA)
    notify_new_tasks(session, new_task_rows(session, instance.id))
    session.commit()
    run_worker_once()
    [received] = smtp_server.handler.messages
    assert received["To"] == OMG_PAPSY
    assert CANARY.lower() not in received.as_string().lower() and CANARY.lower() not in text_of(received).lower()
