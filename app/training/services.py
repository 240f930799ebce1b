"""Training rules and the service tasks of bpmn/training_deadline.bpmn."""
from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.clock import now
from app.engine import registry, runner
from app.engine.services import ServiceContext, service
from app.models import Confidant

YEARS_TO_TRAIN = 2
REMINDERS = {"reminder_6m_at": ("months", 6), "reminder_2m_at": ("months", 2), "reminder_2w_at": ("days", 14)}
BRUSSELS = ZoneInfo("Europe/Brussels")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier); the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def training_deadline(appointed_on: date) -> date:
    """R11: two years after the EOC's decision."""
    return add_months(appointed_on, 12 * YEARS_TO_TRAIN)


def plan(deadline: date) -> dict[str, str]:
    """The deadline and the reminder moments, as the timer expressions of the process read them (UTC, ISO)."""
    moments = {"deadline_at": _end_of_day(deadline)}
    for key, (unit, amount) in REMINDERS.items():
        day = add_months(deadline, -amount) if unit == "months" else deadline - timedelta(days=amount)
        moments[key] = _start_of_day(day)
    return {**moments, "deadline": deadline.isoformat()}


def _end_of_day(day: date) -> str:
    return datetime.combine(day, time(23, 59, 59), BRUSSELS).astimezone(ZoneInfo("UTC")).isoformat()


def _start_of_day(day: date) -> str:
    return datetime.combine(day, time(9), BRUSSELS).astimezone(ZoneInfo("UTC")).isoformat()


@service("training.plan")
def plan_service(context: ServiceContext, params: dict, data: dict) -> dict[str, str]:
    """From the appointment date (the first deadline) or a new deadline the PAPSY agreed (an extension)."""
    if params.get("deadline"):
        deadline = date.fromisoformat(params["deadline"])
    else:
        deadline = training_deadline(date.fromisoformat(params["appointed_on"]))
    _confidant(context.session, data).training_due_on = deadline
    return plan(deadline)


@service("training.record_certificate")
def record_certificate(context: ServiceContext, params: dict, data: dict) -> str:
    confidant = _confidant(context.session, data)
    confidant.training_certified_on = date.fromisoformat(data["training_completed_on"])
    return confidant.training_certified_on.isoformat()


@service("training.end_role")
def end_role(context: ServiceContext, params: dict, data: dict) -> str:
    """The PAPSY's decision after a missed deadline: the role ends (issue 6 starts the resignation from here)."""
    confidant = _confidant(context.session, data)
    confidant.training_role_ended_on = now().astimezone(BRUSSELS).date()
    return confidant.training_role_ended_on.isoformat()


@service("training.start")
def start_for_new_confidant(context: ServiceContext, params: dict, data: dict) -> int:
    """Appointment done (R10): the training deadline (R11) starts for the new confidant."""
    confidant = context.session.get(Confidant, data["confidant_id"])
    return start_training(context.session, confidant).id


def start_training(session: Session, confidant: Confidant):
    version = registry.current_version(session, "training_deadline")
    appointed_on = confidant.appointed_on
    return runner.start(session, version, confidant.entity_id, None, subject=confidant.name, data={
        "confidant_id": confidant.id, "confidant_user_id": confidant.user_id,
        "appointed_on": appointed_on.isoformat(), "two_years_after": training_deadline(appointed_on).isoformat(),
        "reminder_what": "Attest basisopleiding opladen",
    })


def _confidant(session: Session, data: dict) -> Confidant:
    confidant = session.get(Confidant, data["confidant_id"])
    if confidant is None:
        raise LookupError("no such confidant")
    return confidant
