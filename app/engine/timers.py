"""Durable timers: the database decides whether a timer fires, who fires it, and what happens on failure.

A job claims a timer with a lease (owner and expiry on its row) before it fires, so two workers never fire
the same timer at once, and a worker that dies leaves a lease that simply expires. Firing itself runs in the
instance's transaction with the instance row locked (PostgreSQL) and its version checked. A failure counts an
attempt and backs off (the lease is held for the back-off, so the reconciler leaves it alone); after the last
attempt the timer is failed and the instance shows an incident, which an admin can retry.
"""
from __future__ import annotations

import enum
import json
import logging
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from redis.exceptions import RedisError
from sqlalchemy import or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, undefer

from app import dispatch
from app.clock import now
from app.engine import runner, statements
from app.engine.errors import NotFound, ProcessFailed
from app.models import InstanceStatus, ProcessInstance, Timer, TimerState

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
BACKOFF = [timedelta(seconds=5), timedelta(seconds=30), timedelta(seconds=120)]
MAX_ATTEMPTS = len(BACKOFF) + 1
BACKOFF_OWNER = "backoff"  # the lease owner while a failed timer waits for its next attempt


class Outcome(enum.StrEnum):
    FIRED = "fired"
    NOT_DUE = "not due"
    GONE = "gone"  # fired, cancelled or failed already, or leased by another worker


def fire(session: Session, timer_id: int, owner: str) -> tuple[Outcome, datetime | None]:
    """Fire the timer if it is due and nobody holds it: the engine refreshes every timer of its instance and
    steps on. The instance row is locked first (PostgreSQL; SQLite serialises writers anyway), then the timer
    is claimed in the same transaction, so a worker killed halfway leaves nothing behind, and timers of one
    instance fired by several workers take turns instead of failing on the version check (or deadlocking on
    each other's timer rows). Two statements on the common path: lock-and-read, claim."""
    instance = _locked_instance_of_timer(session, timer_id)
    if instance is None:
        return Outcome.GONE, None
    if not claim(session, timer_id, owner):  # not due yet, fired meanwhile by the lock holder, or backing off
        return _why_not_claimed(session, timer_id)
    if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED):
        session.execute(update(Timer).where(Timer.id == timer_id).values(state=TimerState.CANCELLED),
                        execution_options={"synchronize_session": False})
        return Outcome.GONE, None
    if instance.status == InstanceStatus.SUSPENDED:  # retried while suspended: held with the others until resumed
        session.execute(update(Timer).where(Timer.id == timer_id).values(state=TimerState.HELD, lease_owner=None,
                                                                          lease_expires_at=None),
                        execution_options={"synchronize_session": False})
        return Outcome.GONE, None
    runner.fire_timers(session, instance)
    return Outcome.FIRED, None


def fire_together(session: Session, timer_ids: list[int], owner: str) -> dict[int, tuple[Outcome, datetime | None]] | None:
    """Fire the timers of a dispatcher batch in one transaction: one statement locks all their instances, one claims
    all the timers, one commit for all (per timer, the round trips to the database cost more than firing it). The
    outcome of each, as ``fire`` gives it; None when a claimed timer's instance is not simply running (suspended,
    ended, an incident): then nothing is fired, and the caller rolls back and fires them one by one with ``fire``."""
    instances = {instance.id: instance for instance in
                 session.scalars(statements.LOCK_INSTANCES_OF_TIMERS, {"b_timers": timer_ids})}
    moment = now()
    claimed = dict(session.connection().execute(statements.CLAIM_TIMERS, {
        "b_ids": timer_ids, "b_now": moment, "b_owner": owner, "b_expires": moment + LEASE}).all())
    firing = sorted(set(claimed.values()))  # two timers of one instance: one firing fires both
    if any(instances[instance_id].status != InstanceStatus.RUNNING for instance_id in firing):
        return None
    for instance_id in firing:
        runner.fire_timers(session, instances[instance_id])
    outcomes = {timer_id: (Outcome.FIRED, None) for timer_id in claimed}
    unclaimed = [timer_id for timer_id in timer_ids if timer_id not in claimed]
    if unclaimed:  # fired meanwhile with another timer of their instance, most often
        rows = {timer.id: timer for timer in session.scalars(
            select(Timer).where(Timer.id.in_(unclaimed)).execution_options(populate_existing=True))}
        outcomes.update({timer_id: _not_claimed(rows.get(timer_id)) for timer_id in unclaimed})
    return outcomes


def _why_not_claimed(session: Session, timer_id: int) -> tuple[Outcome, datetime | None]:
    return _not_claimed(session.get(Timer, timer_id, populate_existing=True))


def _not_claimed(timer: Timer | None) -> tuple[Outcome, datetime | None]:
    if timer is not None and _claimable(timer) and timer.due_at >= now():
        return Outcome.NOT_DUE, timer.due_at
    return Outcome.GONE, None


def _claimable(timer: Timer) -> bool:
    return timer.state == TimerState.PENDING and (timer.lease_expires_at is None or timer.lease_expires_at < now())


def claim(session: Session, timer_id: int, owner: str) -> bool:
    """Take the lease on a pending timer that is due (SpiffWorkflow fires only strictly after the due time) and
    that nobody holds (or whose holder's lease ran out). Under the instance lock this re-reads the row as it is
    now, so a timer fired by the previous lock holder is not fired again."""
    moment = now()
    claimed = session.connection().execute(statements.CLAIM_TIMER, {
        "b_id": timer_id, "b_now": moment, "b_owner": owner, "b_expires": moment + LEASE})
    return claimed.rowcount == 1


def record_failure(session: Session, timer_id: int, error: BaseException) -> timedelta | None:
    """Count a failed attempt; the back-off before the next one, or None when the timer is now failed."""
    timer = session.get(Timer, timer_id, populate_existing=True)
    if timer is None or timer.state != TimerState.PENDING:
        return None
    timer.attempts += 1
    timer.last_error = failure_kind(error)
    log.warning("timer %s failed (attempt %s): %s", timer_id, timer.attempts, _cause_name(error))
    if timer.attempts >= MAX_ATTEMPTS:
        timer.state, timer.lease_owner, timer.lease_expires_at = TimerState.FAILED, None, None
        instance = session.get(ProcessInstance, timer.instance_id)
        instance.status = InstanceStatus.INCIDENT
        # What happened, not words: each reader sees it in their language (workflow.instances.incident_text).
        instance.incident = json.dumps({"timer": timer.spec_name, "attempts": timer.attempts,
                                        "cause": timer.last_error}, sort_keys=True)
        return None
    backoff = BACKOFF[timer.attempts - 1]
    timer.lease_owner, timer.lease_expires_at = BACKOFF_OWNER, now() + backoff  # the reconciler waits too
    return backoff


def retry(session: Session, timer_id: int) -> Timer:
    """An admin's retry of a failed timer: pending again, attempts reset, the incident cleared."""
    timer = _timer(session, timer_id)
    timer.state, timer.attempts, timer.last_error = TimerState.PENDING, 0, None
    timer.lease_owner = timer.lease_expires_at = None
    _clear_incident(session, timer.instance_id)
    session.flush()
    return timer


def fire_now(session: Session, timer_id: int) -> Timer:
    """An admin's 'fire now': the timer's due time becomes now, in the workflow and on its row."""
    timer = _timer(session, timer_id)
    if timer.state not in (TimerState.PENDING, TimerState.FAILED):
        raise NotFound(_l("Deze termijn wacht niet meer."))
    if timer.state == TimerState.FAILED:
        retry(session, timer_id)
    instance = locked_instance(session, timer.instance_id)
    new_due = now() - timedelta(milliseconds=1)
    runner.move_timer(session, instance, timer.spiff_task_id, timer.due_at, new_due)
    timer.due_at, timer.lease_owner, timer.lease_expires_at = new_due, None, None
    session.flush()
    return timer


def schedule_now(session: Session, timer_id: int) -> None:
    """Have a worker fire the timer once this transaction commits."""
    dispatch.on_commit(session, lambda port: port.timers_due_now([timer_id]))


def due_unleased(session: Session, grace: timedelta) -> list[tuple[int, datetime]]:
    """(id, due time) of the pending timers due more than ``grace`` ago that nobody holds: their job may be lost."""
    moment = now()
    return [tuple(row) for row in session.execute(select(Timer.id, Timer.due_at).where(
        Timer.state == TimerState.PENDING, Timer.due_at < moment - grace,
        or_(Timer.lease_expires_at.is_(None), Timer.lease_expires_at < moment)).order_by(Timer.due_at))]


def pending_schedule(session: Session) -> list[tuple[int, datetime]]:
    """(id, when to try) of every pending timer: its due time, or the end of its back-off."""
    rows = session.execute(select(Timer.id, Timer.due_at, Timer.lease_expires_at)
                           .where(Timer.state == TimerState.PENDING).order_by(Timer.due_at))
    return [(timer_id, max(due, lease) if lease else due) for timer_id, due, lease in rows]


def release_expired_leases(session: Session) -> int:
    released = session.execute(
        update(Timer).where(Timer.state == TimerState.PENDING, Timer.lease_expires_at < now())
        .values(lease_owner=None, lease_expires_at=None), execution_options={"synchronize_session": False})
    return released.rowcount


class FailureKind(enum.StrEnum):
    """What a failed attempt ran into, as the admin's timer board says it (app/ui.py) and the timer stores it."""

    STEP = "step"  # a script, condition or service task of the process
    DATABASE = "database"
    CONNECTION = "connection"  # Redis, the mail server, a network
    UNEXPECTED = "unexpected"


def failure_kind(error: BaseException) -> FailureKind:
    cause = error
    while isinstance(cause, ProcessFailed) and cause.__cause__ is not None:
        cause = cause.__cause__
    if isinstance(cause, DBAPIError):
        return FailureKind.DATABASE
    if isinstance(cause, (OSError, RedisError)):
        return FailureKind.CONNECTION
    return FailureKind.STEP if isinstance(error, ProcessFailed) else FailureKind.UNEXPECTED


def _cause_name(error: BaseException) -> str:
    """The type of what really failed (ProcessFailed wraps it); never its text, which may quote data."""
    while isinstance(error, ProcessFailed) and error.__cause__ is not None:
        error = error.__cause__
    return type(error).__name__


def locked_instance(session: Session, instance_id: int) -> ProcessInstance | None:
    """The instance, its row locked until commit (PostgreSQL; SQLite serialises writers anyway), so timers of
    one instance fired by several workers take turns instead of failing on the version check, and an admin's
    suspend or termination waits for a firing timer (app/engine/lifecycle.py)."""
    return session.scalars(select(ProcessInstance).options(undefer(ProcessInstance.state_json))
                           .where(ProcessInstance.id == instance_id).with_for_update(of=ProcessInstance)
                           .execution_options(populate_existing=True)).one_or_none()


def _locked_instance_of_timer(session: Session, timer_id: int) -> ProcessInstance | None:
    """The instance of the timer, locked and read with its state in one statement; None without such a timer."""
    return session.scalars(statements.LOCK_INSTANCE_OF_TIMER, {"b_timer": timer_id}).one_or_none()


def _timer(session: Session, timer_id: int) -> Timer:
    timer = session.get(Timer, timer_id)
    if timer is None:
        raise NotFound(_l("Deze termijn bestaat niet."))
    return timer


def _clear_incident(session: Session, instance_id: int) -> None:
    others = session.scalar(select(Timer.id).where(Timer.instance_id == instance_id,
                                                   Timer.state == TimerState.FAILED).limit(1))
    instance = session.get(ProcessInstance, instance_id)
    if others is None and instance.status == InstanceStatus.INCIDENT:
        instance.status, instance.incident = InstanceStatus.RUNNING, None
