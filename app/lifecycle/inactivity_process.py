"""The process of a period of inactivity (bpmn/inactivity.bpmn, R14): its start, its service tasks, and the end of a
period, on time or early, which the process and the confidant's own action share (``finish_period``).

The database decides and the process follows: a cancelled or finished period is recorded first, then the process's
waiting timer goes off at once (``finish_process_now``) and its services, finding the work done, change nothing.
The process data holds ids and dates only.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app import dispatch
from app.config import process_settings
from app.dossiers import sharing
from app.dossiers.services import today
from app.engine import projection, registry, runner
from app.engine import timers as engine_timers
from app.engine.notifications import as_row
from app.engine.services import ServiceContext, service
from app.mail.notify import notify_new_tasks
from app.models import (
    ConfidantStatus,
    DossierShare,
    InactivityPeriod,
    InstanceStatus,
    ProcessInstance,
    ShareKind,
    Task,
    TaskState,
    Timer,
    TimerState,
    User,
)

MODEL_KEY = "inactivity"
ACKNOWLEDGE = "acknowledge_period"
BEGUN, CANCELLED, ENDED = "begun", "cancelled", "ended"  # what ``begin`` found, for the process's gateway


def start(session: Session, period: InactivityPeriod, actor: User) -> ProcessInstance:
    """The period's process, started by the confidant who reported it; a period from today begins at once."""
    confidant = period.confidant
    instance = runner.start(session, registry.current_version(session, MODEL_KEY), confidant.entity_id, actor,
                            subject=confidant.name, data={
                                "period_id": period.id, "confidant_id": confidant.id,
                                "starts_on": period.starts_on.isoformat(), "ends_on": period.ends_on.isoformat()})
    period.instance_id = instance.id
    return instance


def plan(starts_on: date, ends_on: date) -> dict[str, str]:
    """When the period begins (its first day, at midnight in Brussels) and ends (the midnight after its last day),
    as the process's timers read them: UTC, ISO."""
    zone = ZoneInfo(process_settings().display_timezone)

    def midnight(day: date) -> str:
        return datetime.combine(day, time(0), zone).astimezone(ZoneInfo("UTC")).isoformat()

    return {"starts_at": midnight(starts_on), "ends_at": midnight(ends_on + timedelta(days=1)),
            "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()}


@service("inactivity.plan")
def plan_service(context: ServiceContext, params: dict, data: dict) -> dict[str, str]:
    return plan(date.fromisoformat(params["starts_on"]), date.fromisoformat(params["ends_on"]))


@service("inactivity.begin")
def begin_service(context: ServiceContext, params: dict, data: dict) -> str:
    """The first day: off the published list. A process started without a period (a scenario test) has none."""
    period = _period(context.session, data)
    return BEGUN if period is None else begin(period)


def begin(period: InactivityPeriod) -> str:
    """The confidant leaves the published list, unless the period was called off or ended before its timer went."""
    if period.cancelled_at is not None:
        return CANCELLED
    if period.ended_on is not None:
        return ENDED
    if period.confidant.status == ConfidantStatus.ACTIVE:
        period.confidant.status = ConfidantStatus.INACTIVE  # through the ORM: updated_at dates the published list
    return BEGUN


@service("inactivity.finish")
def finish_service(context: ServiceContext, params: dict, data: dict) -> str | None:
    period = _period(context.session, data)
    if period is None:
        return None
    finish_period(context.session, period, None)
    return period.ended_on.isoformat()


@service("inactivity.acknowledged")
def acknowledged_service(context: ServiceContext, params: dict, data: dict) -> int | None:
    """Who of the PAPSY acknowledged the report, and when (the task they just completed)."""
    period = _period(context.session, data)
    done = context.session.execute(
        select(Task.completed_by_id, Task.completed_at)
        .where(Task.instance_id == context.instance_id, Task.spec_name == ACKNOWLEDGE,
               Task.state == TaskState.COMPLETED).order_by(Task.completed_at.desc()).limit(1)).first()
    if period is None or done is None:
        return None
    period.acknowledged_by_id, period.acknowledged_at = done
    return done[0]


def finish_period(session: Session, period: InactivityPeriod, actor_id: int | None) -> None:
    """The period is over (its end, or the confidant ended it early): its last day recorded, every stand-in share of
    it ended, the tasks the stand-in got and did not finish back to the confidant, and the confidant back on the
    published list (unless another period has begun, or the role ended meanwhile). Twice changes nothing."""
    if period.ended_on is None:
        period.ended_on = min(today(), period.ends_on)
    end_shares(session, period, actor_id)
    _give_tasks_back(session, period)
    confidant = period.confidant
    if confidant.status == ConfidantStatus.INACTIVE and not _another_period_runs(session, period):
        confidant.status = ConfidantStatus.ACTIVE


def end_shares(session: Session, period: InactivityPeriod, actor_id: int | None) -> int:
    """The stand-in reads none of the dossiers shared for this period any more; returns how many ended."""
    shares = list(session.scalars(select(DossierShare).where(
        DossierShare.inactivity_id == period.id, DossierShare.kind == ShareKind.STAND_IN,
        DossierShare.ended_at.is_(None))))
    for share in shares:
        sharing.end_stand_in(session, share, actor_id)
    return len(shares)


def finish_process_now(session: Session, period: InactivityPeriod) -> None:
    """The period's process steps on at once: its waiting timer goes off now, in this transaction, and finds the
    period recorded as called off or ended. A process an admin suspended keeps waiting (its timer then changes
    nothing either)."""
    if period.instance_id is None:
        return
    instance = engine_timers.locked_instance(session, period.instance_id)
    if instance is None or instance.status not in (InstanceStatus.RUNNING, InstanceStatus.INCIDENT):
        return
    for _ in range(3):  # a start timer that a late worker has not fired yet comes first
        waiting = session.scalar(select(Timer.id).where(
            Timer.instance_id == instance.id, Timer.state.in_((TimerState.PENDING, TimerState.FAILED)))
            .order_by(Timer.due_at).limit(1))
        if waiting is None:
            return
        engine_timers.fire_now(session, waiting)
        runner.fire_timers(session, instance)
        dispatch.on_commit(session, lambda port, timer_id=waiting: port.timers_changed([], [timer_id]))


def _give_tasks_back(session: Session, period: InactivityPeriod) -> None:
    """The stand-in's unfinished tasks that the process named the confidant for go back to the confidant."""
    confidant, stand_in = period.confidant, period.stand_in
    if stand_in is None or stand_in.user_id is None or confidant.user_id is None:
        return
    since = datetime.fromisoformat(plan(period.starts_on, period.ends_on)["starts_at"])
    tasks = session.scalars(select(Task).where(
        Task.assignee_id == stand_in.user_id, Task.claimed_at.is_(None), Task.state == TaskState.READY,
        Task.created_at >= since).order_by(Task.id))
    for task in tasks:
        view = runner.task_view(task)
        if projection.named_assignee(view.data, view.extensions) == confidant.user_id:
            task.assignee_id = confidant.user_id
            runner.record(session, task.instance, "assigned", task.title, None, detail=confidant.name)
            session.flush()
            notify_new_tasks(session, [as_row(task)])  # "a task waits for you", to the confidant


def _another_period_runs(session: Session, period: InactivityPeriod) -> bool:
    return session.scalar(select(exists().where(
        InactivityPeriod.confidant_id == period.confidant_id, InactivityPeriod.id != period.id,
        InactivityPeriod.starts_on <= today(), InactivityPeriod.ended_on.is_(None),
        InactivityPeriod.cancelled_at.is_(None))))


def _period(session: Session, data: dict) -> InactivityPeriod | None:
    if data.get("period_id") is None:
        return None
    period = session.get(InactivityPeriod, data["period_id"])
    if period is None:
        raise LookupError("no such period")
    return period
