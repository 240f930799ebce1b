"""The yearly intervision cycle (R12) of one confidant: bpmn/intervision_year.bpmn and its service tasks.

One instance per confidant and year, in the confidant's entity (its PAPSY lane reaches that entity's PAPSY). It waits
at its timer start event until 1 January 00:00 in Brussels (an instance made during its own year starts at once),
asks the PAPSY to assign a group when the confidant has none, reminds a confidant under two half days on 1 October
and 1 December at 09:00, and closes the year at 31 December 23:59:59: the result for the evaluation (R18), the next
year's instance, and a conversation with the PAPSY when the confidant fell short.

The workflow carries ids, the year, the moments (ISO, UTC) and counts: nothing else.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.clock import now
from app.engine import registry, runner
from app.engine.errors import InvalidData
from app.engine.services import ServiceContext, service
from app.intervision import groups
from app.intervision.counting import half_days_attended
from app.mail.outbox import current_settings, locale_of, queue_mail
from app.mail.render import format_due
from app.models import (
    Confidant,
    ConfidantStatus,
    IntervisionGroup,
    IntervisionYearResult,
    ProcessInstance,
    ProcessModelVersion,
    Task,
    TaskState,
    User,
)
from app.models.intervision import GROUP_SIZE, REQUIRED_HALF_DAYS
from app.workflow.checks import form_check
from app.workflow.choices import choice_source

MODEL = "intervision_year"
ASSIGNMENT_FORM = "intervision_group_assignment"
BRUSSELS = ZoneInfo("Europe/Brussels")


def _utc(day: date, at: time) -> str:
    return datetime.combine(day, at, BRUSSELS).astimezone(timezone.utc).isoformat()


def moments(year: int) -> dict[str, str]:
    """The year's moments in Brussels, as the process's timers read them (ISO, UTC)."""
    return {"starts_at": _utc(date(year, 1, 1), time(0)),
            "reminder_1_at": _utc(date(year, 10, 1), time(9)),
            "reminder_2_at": _utc(date(year, 12, 1), time(9)),
            "ends_at": _utc(date(year, 12, 31), time(23, 59, 59))}


def this_year() -> int:
    return now().astimezone(BRUSSELS).year


def start_data(confidant: Confidant, year: int) -> dict[str, Any]:
    """The start data of a confidant's year. A reminder whose moment had passed when the year was started is not sent
    (a confidant appointed in November, or the command run in December, gets no reminders at once)."""
    planned = moments(year)
    moment = now()
    return {"confidant_id": confidant.id, "confidant_user_id": confidant.user_id, "year": year,
            "required_half_days": REQUIRED_HALF_DAYS, **planned,
            "reminder_1_ahead": datetime.fromisoformat(planned["reminder_1_at"]) > moment,
            "reminder_2_ahead": datetime.fromisoformat(planned["reminder_2_at"]) > moment}


def start_for(session: Session, confidant: Confidant, year: int) -> ProcessInstance | None:
    """Start the confidant's instance for ``year``; None when it has one already (started, done or ended)."""
    if (confidant.id, year) in years_started(session, year):
        return None
    return _start(session, registry.current_version(session, MODEL), confidant, year)


def start_year(session: Session, year: int) -> int:
    """Start ``year`` for every active confidant who has no instance for it yet; how many were started."""
    version = registry.current_version(session, MODEL)
    started = years_started(session, year)
    count = 0
    for confidant in session.scalars(select(Confidant).where(Confidant.status == ConfidantStatus.ACTIVE,
                                                             Confidant.training_role_ended_on.is_(None))
                                     .order_by(Confidant.id)):
        if (confidant.id, year) not in started:
            _start(session, version, confidant, year)
            count += 1
    return count


def _start(session: Session, version: ProcessModelVersion, confidant: Confidant, year: int) -> ProcessInstance:
    return runner.start(session, version, confidant.entity_id, None, subject=confidant.name,
                        data=start_data(confidant, year))


def years_started(session: Session, year: int) -> set[tuple[int, int]]:
    """(confidant id, year) of the instances of this process that may be ``year``'s: those not completed (running, or
    ended by an admin) and those completed since ``year`` began (a year completes at its close or later; it may have
    been started long before, by the command). Read from the start data in their state: the instance table has no
    column for it."""
    since = datetime.combine(date(year, 1, 1), time(0), BRUSSELS)
    states = session.scalars(
        select(ProcessInstance.state_json).join(ProcessModelVersion)
        .where(ProcessModelVersion.model_key == MODEL,
               or_(ProcessInstance.completed_at.is_(None), ProcessInstance.completed_at >= since)))
    found = set()
    for state in states:
        dct = orjson.loads(state)
        data = dct["tasks"][dct["root"]]["data"]
        found.add((data.get("confidant_id"), data.get("year")))
    return found


def group_refusal(session: Session, group_id: Any) -> str | None:
    """Why the confidant cannot join this group (R12.1: at most 12), None when they can. The group's row stays locked
    until the transaction ends (PostgreSQL), so two people filling its last place one after the other are counted
    right."""
    group = None
    if isinstance(group_id, int) and not isinstance(group_id, bool) and 0 < group_id < 2**31:  # a row's id
        group = session.scalar(select(IntervisionGroup).where(IntervisionGroup.id == group_id)
                               .with_for_update(of=IntervisionGroup))
    if group is None or group.archived_at is not None:
        return str(_l("Kies een bestaande intervisiegroep."))
    if groups.member_counts(session).get(group.id, 0) >= GROUP_SIZE:
        return str(_l("De groep '%(name)s' telt al %(size)d leden, het maximum: kies een andere groep.",
                      name=group.name, size=GROUP_SIZE))
    return None


@form_check(ASSIGNMENT_FORM)
def _group_has_room(session: Session, entity_id: int, data: dict) -> dict[str, str]:
    reason = group_refusal(session, data.get("group_id"))
    return {"group_id": reason} if reason else {}


@choice_source("intervision.groups")
def group_choices(session: Session, task: Task) -> list[tuple[int, str]]:
    """Every group in use, with its leader and its places; a full one says so (choosing it is refused with why)."""
    counts = groups.member_counts(session)
    choices = []
    for group in groups.active_groups(session):
        members = counts.get(group.id, 0)
        places = (_l("volzet") if members >= GROUP_SIZE else
                  _l("%(members)d van %(size)d plaatsen bezet", members=members, size=GROUP_SIZE))
        choices.append((group.id, str(_l("%(name)s (begeleid door %(leader)s): %(places)s", name=group.name,
                                         leader=group.leader.name, places=places))))
    return choices


def _confidant(session: Session, data: dict) -> Confidant:
    confidant = session.get(Confidant, data["confidant_id"])
    if confidant is None:
        raise LookupError("no such confidant")
    return confidant


@service("intervision.start")
def start_for_new_confidant(context: ServiceContext, params: dict, data: dict) -> int | None:
    """Appointment done (R10): the confidant's intervision year (R12) starts, this year's."""
    instance = start_for(context.session, _confidant(context.session, data), this_year())
    return instance.id if instance else None


@service("intervision.has_group")
def has_group(context: ServiceContext, params: dict, data: dict) -> bool:
    return groups.current_group(context.session, _confidant(context.session, data)) is not None


@service("intervision.join_group")
def join_group(context: ServiceContext, params: dict, data: dict) -> int:
    """The PAPSY's choice: the confidant joins the group (leaving the one they are in, which stays in the history)."""
    session, confidant = context.session, _confidant(context.session, data)
    group_id = data.get("group_id")
    current = groups.current_group(session, confidant)
    if current is not None:  # placed on the group pages meanwhile (which completed this task), or the same group
        return current.id
    if reason := group_refusal(session, group_id):  # checked with the form already: only a race gets here
        raise InvalidData({"group_id": reason})
    assigned_by = session.get(User, _assigned_by(session, context.instance_id))
    groups.add_member(session, session.get(IntervisionGroup, group_id), confidant, assigned_by)
    return group_id


def assignment_made(session: Session, confidant: Confidant, group: IntervisionGroup, actor: User) -> None:
    """A PAPSY placed the confidant in a group on the group pages: the open assignment task of their year is done,
    with that group (it would otherwise wait in the PAPSY's inbox until the year ends)."""
    open_tasks = session.scalars(select(Task).join(ProcessInstance, ProcessInstance.id == Task.instance_id)
                                 .join(ProcessModelVersion).where(
        ProcessModelVersion.model_key == MODEL, Task.spec_name == "assign_group", Task.state == TaskState.READY,
        ProcessInstance.entity_id == confidant.entity_id, ProcessInstance.subject == confidant.name)).all()
    for task in open_tasks:
        if runner.task_view(task).data.get("confidant_id") == confidant.id:
            runner.complete(session, task, {"group_id": group.id}, actor)


def _assigned_by(session: Session, instance_id: int) -> int | None:
    """Who completed the assignment task just now (its row is written before the engine runs on)."""
    return session.scalar(select(Task.completed_by_id).where(
        Task.instance_id == instance_id, Task.spec_name == "assign_group", Task.state == TaskState.COMPLETED)
        .order_by(Task.completed_at.desc(), Task.id.desc()).limit(1))


@service("intervision.count")
def count(context: ServiceContext, params: dict, data: dict) -> int:
    return half_days_attended(context.session, data["confidant_id"], data["year"])


@service("intervision.remind")
def remind(context: ServiceContext, params: dict, data: dict) -> int | None:
    """The confidant's reminder: how many half days of the year they attended, by when, and how to catch up."""
    recipient = context.session.get(User, data["confidant_user_id"]) if data.get("confidant_user_id") else None
    if recipient is None or not recipient.active:
        return None
    locale = locale_of(recipient)
    fields = {"year": data["year"], "attended": data["half_days"], "required": data["required_half_days"],
              "deadline": format_due(date(data["year"], 12, 31), current_settings().display_timezone, locale)}
    return queue_mail(context.session, recipient.email, "intervision_reminder", "intervision_reminder", fields,
                      instance_id=context.instance_id, locale=locale).id


@service("intervision.close_year")
def close_year(context: ServiceContext, params: dict, data: dict) -> dict[str, Any]:
    """31 December: the year's result for the evaluation (R18), written once (again: the same row, counted again),
    and the next year's instance when the confidant is still active."""
    session, confidant, year = context.session, _confidant(context.session, data), data["year"]
    attended = half_days_attended(session, confidant.id, year)
    short = attended < REQUIRED_HALF_DAYS
    result = session.scalar(select(IntervisionYearResult).where(IntervisionYearResult.confidant_id == confidant.id,
                                                                IntervisionYearResult.year == year))
    if result is None:
        result = IntervisionYearResult(confidant_id=confidant.id, year=year)
        session.add(result)
    result.half_days_attended, result.short, result.closed_at = attended, short, now()
    session.flush()
    following = None
    if confidant.status == ConfidantStatus.ACTIVE and confidant.training_role_ended_on is None:
        following = start_for(session, confidant, year + 1)
    return {"half_days": attended, "short": short, "next_instance_id": following.id if following else None}
