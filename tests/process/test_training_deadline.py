"""bpmn/training_deadline.bpmn (R11) with the clock moved: reminders, certificate check, deadline, extension.

Timers fire through the real job function (workers.jobs.fire_timer) for every pending timer that is due,
as a worker would; mails land in the outbox (no SMTP configured in tests).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from app.models import Confidant, OutboxMessage, ProcessInstance, ProcessModelVersion, Timer, TimerState
from app.workflow import services
from tests.helpers import OMG_PAPSY, OMG_SECRETARY, appointment_data, entity, fire_due, ready_task, user

APPOINTED = date(2026, 10, 15)  # the EOC decision in tests.helpers.appointment_data
CANDIDATE = "jana.vermeulen@omgeving.vlaanderen.example"
T0 = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
# Brussels: reminders at 09:00 local time on the day, the deadline at 23:59:59 on 15 October 2028 (CEST, +02:00).
REMINDER_6M = datetime(2028, 4, 15, 7, 0, tzinfo=timezone.utc)
REMINDER_2M = datetime(2028, 8, 15, 7, 0, tzinfo=timezone.utc)
REMINDER_2W = datetime(2028, 10, 1, 7, 0, tzinfo=timezone.utc)
DEADLINE = datetime(2028, 10, 15, 21, 59, 59, tzinfo=timezone.utc)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def appointed(session, clock):
    """Jana appointed through the appointment process: her training deadline runs."""
    instance = services.start_process(session, user(session, OMG_SECRETARY), "appointment", entity(session, "OMG"),
                                      appointment_data())
    review = ready_task(session, "review_appointment")
    services.complete_task(session, user(session, OMG_PAPSY), review.id, {"decision": "approve"})
    session.commit()
    return session.scalar(select(Confidant).where(Confidant.email == CANDIDATE))


def confidant(session) -> Confidant:
    """Jana, read again (firing a timer ends the thread's session, and with it the objects it held)."""
    return session.scalar(select(Confidant).where(Confidant.email == CANDIDATE))


def reminders(session) -> list[str]:
    session.expire_all()
    return [m.to_address for m in session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))]


def upload(session, completed_on: str = "2027-05-20") -> None:
    """Jana uploads her certificate for the upload task and completes it."""
    task = ready_task(session, "upload_certificate")
    jana = confidant(session).user
    certificate = services.file_store(session, jana, task)(None, b"%PDF-1.4\n%%EOF\n", "application/pdf")
    services.complete_task(session, jana, task.id, {"training_completed_on": completed_on, "certificate": certificate})
    session.commit()


def review(session, decision: str, reason: str | None = None) -> None:
    task = ready_task(session, "review_certificate")
    data = {"decision": decision, **({"rejection_reason": reason} if reason else {})}
    services.complete_task(session, user(session, OMG_PAPSY), task.id, data)
    session.commit()


def test_r11_the_deadline_is_two_years_after_the_appointment(session, appointed):
    task = ready_task(session, "upload_certificate")
    assert task.assignee_id == appointed.user_id and task.due_at == DEADLINE
    assert appointed.training_due_on == date(2028, 10, 15)


@pytest.mark.parametrize("earlier, moment", [(0, REMINDER_6M), (1, REMINDER_2M), (2, REMINDER_2W)],
                         ids=["6 months", "2 months", "2 weeks"])
def test_r11_reminders_at_exactly_6_months_2_months_and_2_weeks(session, appointed, clock, earlier, moment):
    fire_due(session, clock, moment - timedelta(seconds=1))
    assert len(reminders(session)) == earlier, "only the earlier reminders, not this one a second early"
    fire_due(session, clock, moment + timedelta(seconds=1))
    assert reminders(session) == [CANDIDATE] * (earlier + 1)
    assert ready_task(session, "upload_certificate") is not None, "a reminder does not end the task"


def test_r11_all_three_reminders_go_out_once_each(session, appointed, clock):
    for moment in (REMINDER_6M, REMINDER_2M, REMINDER_2W):
        fire_due(session, clock, moment + timedelta(minutes=5))
    fire_due(session, clock, REMINDER_2W + timedelta(days=1))
    assert reminders(session) == [CANDIDATE] * 3


def test_r11_no_reminders_after_approval(session, appointed, clock):
    upload(session)
    review(session, "approve")
    fire_due(session, clock, DEADLINE + timedelta(days=30))
    assert reminders(session) == []
    assert confidant(session).training_certified_on == date(2027, 5, 20)
    assert session.scalar(select(Timer).join(ProcessInstance).join(ProcessModelVersion).where(
        Timer.state == TimerState.PENDING, ProcessModelVersion.model_key == "training_deadline")) is None


def test_r11_rejection_mails_the_reason_and_the_confidant_uploads_again(session, appointed, clock):
    upload(session)
    review(session, "reject", "Het attest is onleesbaar")
    mails = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "certificate_rejected")).all()
    assert [m.to_address for m in mails] == [CANDIDATE] and "onleesbaar" in mails[0].body
    again = ready_task(session, "upload_certificate")
    assert again.assignee_id == confidant(session).user_id
    assert "onleesbaar" in services.task_data(session, again).get("rejection_reason", "")
    upload(session)
    review(session, "approve")
    assert confidant(session).training_certified_on is not None


def test_r11_a_training_date_past_the_two_years_is_flagged_to_the_papsy(session, appointed):
    from app.workflow.views import task_screen

    upload(session, completed_on="2028-11-03")
    screen = task_screen(session, ready_task(session, "review_certificate"))
    assert "meer dan 2 jaar na de aanstelling" in screen.instructions


def test_r11_deadline_passed_escalates_to_the_papsy(session, appointed, clock):
    fire_due(session, clock, DEADLINE - timedelta(seconds=1))
    assert ready_task(session, "training_conversation") is None
    fire_due(session, clock, DEADLINE + timedelta(seconds=1))
    conversation = ready_task(session, "training_conversation")
    assert conversation.lane == "papsy" and conversation.entity.code == "OMG"
    assert ready_task(session, "upload_certificate") is None, "the deadline ends the upload task"


def test_r11_an_extension_restarts_the_deadline_on_the_new_date(session, appointed, clock):
    fire_due(session, clock, DEADLINE + timedelta(hours=1))
    conversation = ready_task(session, "training_conversation")
    services.complete_task(session, user(session, OMG_PAPSY), conversation.id,
                           {"conversation_on": "2028-10-20", "outcome": "extend", "new_deadline": "2029-03-31"})
    session.commit()
    task = ready_task(session, "upload_certificate")
    assert task.due_at == datetime(2029, 3, 31, 21, 59, 59, tzinfo=timezone.utc)
    assert confidant(session).training_due_on == date(2029, 3, 31)
    fire_due(session, clock, datetime(2029, 4, 1, 0, 0, tzinfo=timezone.utc))
    assert ready_task(session, "training_conversation") is not None, "the new deadline escalates again"


def test_r11_the_papsy_can_end_the_role_after_a_missed_deadline(session, appointed, clock):
    fire_due(session, clock, DEADLINE + timedelta(hours=1))
    conversation = ready_task(session, "training_conversation")
    services.complete_task(session, user(session, OMG_PAPSY), conversation.id,
                           {"conversation_on": "2028-10-20", "outcome": "end_role"})
    session.commit()
    assert confidant(session).training_role_ended_on == date(2028, 10, 16)  # 01:00 in Brussels, that day


def test_r11_the_roster_shows_the_training_status(app, session, appointed, clock):
    from tests.helpers import login

    client = app.test_client()
    login(client, OMG_PAPSY)
    assert "uiterlijk 15 okt. 2028" in client.get("/roster/").get_data(as_text=True)
    clock.move_to(datetime(2028, 10, 20, 12, 0, tzinfo=timezone.utc))
    assert "te laat sinds 15 okt. 2028" in client.get("/roster/").get_data(as_text=True)
    upload(session)
    review(session, "approve")
    assert "behaald op 20 mei 2027" in client.get("/roster/").get_data(as_text=True)
