"""bpmn/intervision_year.bpmn (R12) with the clock moved: one instance per confidant and year, started at its timer
start event; reminders on 1 October and 1 December to those under two half days; the year's result, the next year's
instance and the PAPSY's conversation at the year's end; the PAPSY's "Intervisiegroep toewijzen" for a new confidant.

Timers fire through the real job function (tests.helpers.fire_due), as a worker fires them; mails land in the outbox.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from app.auth import policy
from app.engine.errors import InvalidData
from app.intervision import events, groups
from app.intervision.year import start_year
from app.models import (
    Attendance,
    Confidant,
    EventKind,
    EventParticipant,
    GroupMembership,
    IntervisionGroup,
    IntervisionYearResult,
    OutboxMessage,
    ParticipantStatus,
    Task,
    TaskState,
    Timer,
    TimerState,
)
from app.workflow import services
from tests.helpers import (
    AWV_CONFIDANT,
    AWV_PAPSY,
    OMG_CONFIDANT,
    OMG_PAPSY,
    OMG_SECRETARY,
    appointment_data,
    entity,
    fire_due,
    login,
    post_form,
    ready_task,
    user,
)
from tests.unit.test_cli import run as cli  # noqa: F401  (the `vertrouwd` command, in process)

UTC = timezone.utc
# Brussels: 1 October 09:00 is 07:00 UTC (summer time), 1 December 09:00 is 08:00 UTC, 31 December 23:59:59 is 22:59:59.
OCTOBER_1 = datetime(2027, 10, 1, 7, 0, tzinfo=UTC)
DECEMBER_1 = datetime(2027, 12, 1, 8, 0, tzinfo=UTC)
YEAR_END = datetime(2027, 12, 31, 22, 59, 59, tzinfo=UTC)
NEXT_YEAR = datetime(2027, 12, 31, 23, 0, tzinfo=UTC)  # 1 January 2028 00:00 in Brussels
CANDIDATE = "jana.vermeulen@omgeving.vlaanderen.example"  # tests.helpers.appointment_data


def confidant(session, email: str) -> Confidant:
    return session.scalar(select(Confidant).where(Confidant.email == email))


def group(session, name: str, members: list[Confidant] = ()) -> IntervisionGroup:
    made = IntervisionGroup(name=name, leader_id=user(session, OMG_PAPSY).id)
    session.add(made)
    session.flush()
    session.add_all(GroupMembership(group_id=made.id, confidant_id=member.id, joined_on=date(2027, 1, 4))
                    for member in members)
    session.flush()
    return made


def attended(session, made: IntervisionGroup, day: date, present: list[Confidant]) -> None:
    """A half day of the group, with attendance recorded: present for ``present``."""
    start = datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)
    event = events.create(session, EventKind.GROUP_SESSION, user(session, OMG_PAPSY), start,
                          start + timedelta(hours=4), group_id=made.id)
    session.add_all(EventParticipant(event_id=event.id, confidant_id=member.id, status=ParticipantStatus.INVITED,
                                     attendance=Attendance.PRESENT) for member in present)
    session.flush()


def reminded(session) -> list[str]:
    session.expire_all()
    return sorted(message.to_address for message in
                  session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "intervision_reminder")))


def test_r12_reminders_and_year_end_with_the_clock_moved_through_a_whole_year(session):
    with time_machine.travel(datetime(2027, 1, 4, 9, 0, tzinfo=UTC), tick=False) as clock:
        sofie, els = confidant(session, OMG_CONFIDANT), confidant(session, AWV_CONFIDANT)
        fixed = group(session, "Groep Noord", [sofie, els])
        attended(session, fixed, date(2027, 3, 15), [sofie, els])
        attended(session, fixed, date(2027, 6, 14), [sofie])
        active = session.scalar(select(func.count()).select_from(Confidant))
        assert start_year(session, 2027) == active
        assert start_year(session, 2027) == 0, "one instance per confidant and year"
        session.commit()
        others = sorted(c.email for c in session.scalars(select(Confidant)) if c.email != OMG_CONFIDANT)

        fire_due(session, clock, OCTOBER_1 - timedelta(seconds=1))
        assert reminded(session) == []
        fire_due(session, clock, OCTOBER_1 + timedelta(seconds=1))
        assert reminded(session) == others, "everyone under two half days, not Sofie who attended both"
        body = session.scalar(select(OutboxMessage.body).where(OutboxMessage.to_address == AWV_CONFIDANT))
        assert "1 van de 2 halve dagen" in body and "31 dec. 2027" in body
        fire_due(session, clock, DECEMBER_1 + timedelta(seconds=1))
        assert reminded(session) == sorted(others * 2)

        fire_due(session, clock, YEAR_END + timedelta(milliseconds=500))
        results = {r.confidant_id: (r.half_days_attended, r.short) for r in session.scalars(select(IntervisionYearResult))}
        sofie, els = confidant(session, OMG_CONFIDANT), confidant(session, AWV_CONFIDANT)
        assert results[sofie.id] == (2, False) and results[els.id] == (1, True) and len(results) == active
        talks = session.scalars(select(Task).where(Task.spec_name == "conversation", Task.state == TaskState.READY)).all()
        assert len(talks) == active - 1, "a conversation for every confidant short of one day, none for Sofie"
        talk = next(task for task in talks if task.subject == els.name)
        assert talk.lane == "papsy" and talk.entity.code == "AWV"
        assert policy.can_complete(user(session, AWV_PAPSY), talk) and not policy.can_complete(user(session, OMG_PAPSY),
                                                                                                 talk)
        waiting = session.scalars(select(Timer).where(Timer.state == TimerState.PENDING, Timer.spec_name == "start")).all()
        assert len(waiting) == active and {timer.due_at for timer in waiting} == {NEXT_YEAR}, \
            "each confidant's next year waits at its own start timer"
        assert start_year(session, 2028) == 0

        services.complete_task(session, user(session, AWV_PAPSY), talk.id,
                               {"conversation_on": "2028-01-12", "outcome": "catch_up_planned"})
        session.commit()
        fire_due(session, clock, NEXT_YEAR + timedelta(seconds=1))
        assert session.scalar(select(func.count()).select_from(Timer).where(
            Timer.state == TimerState.PENDING, Timer.spec_name == "reminder_1")) == active, "2028 has begun"


@pytest.fixture
def appointed(session):
    """Jana appointed through the appointment process on 2 November 2026: her intervision year 2026 starts at once."""
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=UTC), tick=False) as clock:
        services.start_process(session, user(session, OMG_SECRETARY), "appointment", entity(session, "OMG"),
                               appointment_data())
        services.complete_task(session, user(session, OMG_PAPSY), ready_task(session, "review_appointment").id,
                               {"decision": "approve"})
        session.commit()
        yield clock


def test_r12_a_new_confidant_without_a_group_is_assigned_one_by_the_papsy_of_the_entity(session, appointed):
    task = ready_task(session, "assign_group")
    jana = confidant(session, CANDIDATE)
    assert task is not None and task.lane == "papsy" and task.entity.code == "OMG" and task.subject == jana.name
    assert not policy.can_complete(user(session, AWV_PAPSY), task)
    chosen = group(session, "Groep Zuid", [confidant(session, OMG_CONFIDANT)])
    services.complete_task(session, user(session, OMG_PAPSY), task.id, {"group_id": chosen.id})
    session.commit()
    assert ready_task(session, "assign_group") is None
    membership = session.scalar(select(GroupMembership).where(GroupMembership.confidant_id == jana.id))
    assert membership.group_id == chosen.id and membership.left_on is None
    assert membership.added_by_id == user(session, OMG_PAPSY).id


def test_r12_placing_the_confidant_on_the_group_pages_completes_the_assignment_task(session, appointed):
    chosen = group(session, "Groep Noord")
    jana, papsy = confidant(session, CANDIDATE), user(session, AWV_PAPSY)  # any PAPSY manages the groups
    groups.add_member(session, chosen, jana, papsy)
    session.commit()
    assert ready_task(session, "assign_group") is None
    memberships = session.scalars(select(GroupMembership).where(GroupMembership.confidant_id == jana.id)).all()
    assert [(row.group_id, row.added_by_id, row.left_on) for row in memberships] == [(chosen.id, papsy.id, None)]


def test_r12_the_13th_member_is_refused_in_the_task_with_the_reason(app, session, appointed):
    omg = entity(session, "OMG")
    members = [Confidant(entity_id=omg.id, name=f"Lid {n}", email=f"lid{n}@omgeving.vlaanderen.example",
                         appointed_on=date(2025, 1, 1)) for n in range(12)]
    session.add_all(members)
    session.flush()
    full, open_one = group(session, "Groep Vol", members), group(session, "Groep Open")
    session.commit()
    task_id = ready_task(session, "assign_group").id
    client = app.test_client()
    login(client, OMG_PAPSY)
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Groep Vol (begeleid door Luc Van den Broeck): volzet" in page
    assert "Groep Open (begeleid door Luc Van den Broeck): 0 van 12 plaatsen bezet" in page
    refused = post_form(client, f"/tasks/{task_id}", {"group_id": str(full.id)})
    assert refused.status_code == 422
    assert "telt al 12 leden, het maximum" in refused.get_data(as_text=True)
    session.expire_all()
    assert ready_task(session, "assign_group").id == task_id
    assert session.scalar(select(func.count()).select_from(GroupMembership).where(
        GroupMembership.group_id == full.id)) == 12
    with pytest.raises(InvalidData) as api_refusal:  # the API's way in: the same check
        services.complete_task(session, user(session, OMG_PAPSY), task_id, {"group_id": full.id})
    assert "telt al 12 leden" in str(api_refusal.value.errors["group_id"])
    session.rollback()
    assert post_form(client, f"/tasks/{task_id}", {"group_id": str(open_one.id)}).status_code == 302
    assert ready_task(session, "assign_group") is None


def test_r12_the_start_year_command_starts_each_active_confidant_s_year_once(cli, session):
    first = cli("intervision", "start-year", "--year", "2030")
    assert first.exit_code == 0 and "intervision 2030: 4 confidant(s) started" in first.output, first.output
    again = cli("intervision", "start-year", "--year", "2030")
    assert again.exit_code == 0 and "intervision 2030: 0 confidant(s) started" in again.output
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Timer).where(Timer.spec_name == "start")) == 4
    assert cli("intervision", "start-year", "--year", "nope").exit_code != 0
