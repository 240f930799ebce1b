"""The yearly sharing of repeated incidents (R8) of one confidant: bpmn/incident_sharing.bpmn and its service tasks.

One instance per confidant and year, in the confidant's entity (its PAPSY lane reaches that entity's PAPSY), with an
IncidentSharing row that holds where it stands. It waits at its timer start event until 1 December 09:00 in Brussels
(an instance made later starts at once); the confidant's task "Herhaalde incidenten delen" is due on 31 January of the
next year, with a reminder on 15 January and one on 31 January while it is open; then the PAPSY acknowledges.

Why 31 January: December is short (holidays), and the evaluation of the year (R18) is made in the first quarter;
two months after the opening leave room for a confidant who is away for a few weeks.

Who gets one: when a year opens, its instance starts the next year's (so the chain does not wait for the PAPSY);
a new confidant gets the first year whose opening is still ahead (appointment, ``incidents.start``); an operator or
the demo starts a year for every active confidant (``vertrouwd incidents start-year``). A confidant whose role ends
has theirs cancelled (``cancel_for_role_end``). The workflow carries ids, the year, moments and counts: nothing else.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.clock import now
from app.engine import registry, runner
from app.engine import lifecycle as instances
from app.engine.services import ServiceContext, service
from app.incidents import services
from app.models import (
    Confidant,
    ConfidantStatus,
    IncidentSharing,
    InstanceStatus,
    ProcessInstance,
    SealedTextKey,
    SharingState,
    Task,
    TaskState,
)
from app.models.dossiers import ReaderKind

MODEL = "incident_sharing"
BRUSSELS = ZoneInfo("Europe/Brussels")
NEVER = "9999-12-31T00:00:00+00:00"  # a reminder whose moment had passed when the instance started


def _utc(day: date, at: time) -> str:
    return datetime.combine(day, at, BRUSSELS).astimezone(timezone.utc).isoformat()


def due_on(year: int) -> date:
    return date(year + 1, 1, 31)


def moments(year: int) -> dict[str, str]:
    """The year's moments in Brussels, as the process's timers read them (ISO, UTC)."""
    return {"opens_at": services.opens_at(year).isoformat(),
            "reminder_at": _utc(date(year + 1, 1, 15), time(9)),
            "due_reminder_at": _utc(due_on(year), time(9)),
            "due_at": _utc(due_on(year), time(23, 59, 59))}


def start_data(confidant: Confidant, year: int, sharing_id: int) -> dict[str, Any]:
    planned = moments(year)
    moment = now()
    for name in ("reminder_at", "due_reminder_at"):
        if datetime.fromisoformat(planned[name]) <= moment:
            planned[name] = NEVER
    return {"sharing_id": sharing_id, "confidant_id": confidant.id, "confidant_user_id": confidant.user_id,
            "year": year, "due_date": due_on(year).isoformat(), **planned}


def is_serving(confidant: Confidant) -> bool:
    return confidant.status != ConfidantStatus.FORMER and confidant.training_role_ended_on is None \
        and confidant.user_id is not None


def start_for(session: Session, confidant: Confidant, year: int) -> IncidentSharing | None:
    """The confidant's sharing of ``year`` with its instance; None when it exists already (or cannot exist)."""
    if not is_serving(confidant) or session.scalar(select(IncidentSharing.id).where(
            IncidentSharing.confidant_id == confidant.id, IncidentSharing.year == year)) is not None:
        return None
    sharing = IncidentSharing(confidant_id=confidant.id, entity_id=confidant.entity_id, year=year,
                              state=SharingState.OPEN, due_on=due_on(year))
    session.add(sharing)
    session.flush()

    def link(instance: ProcessInstance) -> None:
        sharing.instance_id = instance.id

    runner.start(session, registry.current_version(session, MODEL), confidant.entity_id, None,
                 subject=confidant.name, data=start_data(confidant, year, sharing.id), created=link)
    return sharing


def start_year(session: Session, year: int) -> int:
    """Start ``year`` for every active confidant who has none for it yet; how many were started."""
    count = 0
    for confidant in session.scalars(select(Confidant).where(Confidant.status == ConfidantStatus.ACTIVE)
                                     .order_by(Confidant.id)):
        if start_for(session, confidant, year) is not None:
            count += 1
    return count


def first_year_ahead() -> int:
    """The first year whose sharing has not opened yet: a confidant appointed in December starts with next year's."""
    year = services.this_year()
    return year if now() < services.opens_at(year) else year + 1


def _sharing(session: Session, context: ServiceContext, data: dict) -> IncidentSharing:
    sharing = session.get(IncidentSharing, data.get("sharing_id")) if data.get("sharing_id") else None
    if sharing is None:  # a scenario starts the process with data only
        sharing = session.scalar(select(IncidentSharing).where(IncidentSharing.instance_id == context.instance_id))
    if sharing is None:
        confidant = session.get(Confidant, data["confidant_id"])
        sharing = IncidentSharing(confidant_id=confidant.id, entity_id=confidant.entity_id, year=data["year"],
                                  due_on=due_on(data["year"]), instance_id=context.instance_id)
        session.add(sharing)
        session.flush()
    return sharing


@service("incidents.start")
def start_for_new_confidant(context: ServiceContext, params: dict, data: dict) -> int | None:
    """Appointment done (R10): the first sharing whose opening is ahead."""
    confidant = context.session.get(Confidant, data["confidant_id"])
    sharing = start_for(context.session, confidant, first_year_ahead()) if confidant else None
    return sharing.instance_id if sharing else None


@service("incidents.open")
def open_sharing(context: ServiceContext, params: dict, data: dict) -> dict[str, Any]:
    """1 December: the year opens. A confidant no longer serving gets nothing; the others their task, and their
    next year's instance waits for its own December."""
    session = context.session
    sharing = _sharing(session, context, data)
    confidant = session.get(Confidant, sharing.confidant_id)
    if not is_serving(confidant):
        sharing.state = SharingState.CANCELLED
        return {"active": False, "dossier_count": 0}
    sharing.dossier_count = len(services.repeated_dossiers(session, confidant.user_id, sharing.year))
    following = start_for(session, confidant, sharing.year + 1)
    return {"active": True, "dossier_count": sharing.dossier_count,
            "next_instance_id": following.instance_id if following else None}


@service("incidents.submitted")
def submitted(context: ServiceContext, params: dict, data: dict) -> None:
    sharing = _sharing(context.session, context, data)
    sharing.state, sharing.submitted_at = SharingState.SUBMITTED, now()


@service("incidents.acknowledged")
def acknowledged(context: ServiceContext, params: dict, data: dict) -> None:
    session = context.session
    sharing = _sharing(session, context, data)
    sharing.state, sharing.acknowledged_at = SharingState.ACKNOWLEDGED, now()
    sharing.acknowledged_by_id = session.scalar(select(Task.completed_by_id).where(
        Task.instance_id == context.instance_id, Task.spec_name == "acknowledge_incidents",
        Task.state == TaskState.COMPLETED).order_by(Task.completed_at.desc(), Task.id.desc()).limit(1))


def cancel_for_role_end(session: Session, confidant: Confidant) -> int:
    """The role ended (R19): every sharing not yet submitted is cancelled with its instance (its task lapses; no
    PAPSY inherits it), and the former confidant's wraps of their submitted accounts go. How many were cancelled."""
    open_rows = session.scalars(select(IncidentSharing).where(
        IncidentSharing.confidant_id == confidant.id, IncidentSharing.state == SharingState.OPEN)).all()
    for sharing in open_rows:
        sharing.state = SharingState.CANCELLED
        instance = session.get(ProcessInstance, sharing.instance_id) if sharing.instance_id else None
        if instance is not None and instance.status not in (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED):
            instances.terminate(session, instance.id, None, "De rol van de vertrouwenspersoon werd beëindigd.")
    accounts = select(IncidentSharing.account_id).where(IncidentSharing.confidant_id == confidant.id,
                                                        IncidentSharing.account_id.is_not(None))
    if confidant.user_id is not None:
        session.execute(delete(SealedTextKey).where(
            SealedTextKey.text_id.in_(accounts), SealedTextKey.reader == ReaderKind.OWNER.value,
            SealedTextKey.reader_id == confidant.user_id), execution_options={"synchronize_session": False})
    session.flush()
    return len(open_rows)
