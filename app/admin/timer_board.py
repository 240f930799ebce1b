"""The admin's view of the timers: what failed (incidents), what waits, what fired lately; and the two actions,
retry and fire now. Of a confidential process an admin sees that a timer waits or failed, never when or which."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.auth import policy
from app.clock import now
from app.engine import runner
from app.engine import timers as durable
from app.engine.errors import Conflict, NotAllowed, NotFound
from app.models import Timer, TimerState, User

RECENTLY = timedelta(hours=24)  # fired timers stay on the page this long, so that "fire now" shows its outcome
LIMIT = 500


@dataclass(frozen=True)
class TimerRow:
    """One timer as the page shows it. ``shown`` is False for a confidential process: then ``name``, ``step`` and
    the times are not for this admin. ``progress`` is the state in words' terms: pending, firing (due: a worker
    fires it now), retrying (backing off after a failure), failed or fired."""

    timer: Timer
    shown: bool
    name: str | None
    step: str | None
    progress: str

    @property
    def can_fire(self) -> bool:
        return self.shown and self.progress == TimerState.PENDING


@dataclass(frozen=True)
class TimerBoard:
    failed: list[TimerRow]
    pending: list[TimerRow]
    fired: list[TimerRow]


def timer_board(session: Session, user: User) -> TimerBoard:
    """Failed timers newest first, pending ones by due time, those fired in the last day newest first (of a
    confidential process only the failed and pending ones, without their times)."""
    failed = _timers(session, Timer.state == TimerState.FAILED, Timer.created_at.desc())
    pending = _timers(session, Timer.state == TimerState.PENDING, Timer.due_at)
    fired = _timers(session, (Timer.state == TimerState.FIRED) & (Timer.fired_at >= now() - RECENTLY),
                    Timer.fired_at.desc())
    rows = [[_row(user, timer) for timer in timers] for timers in (failed, pending, fired)]
    return TimerBoard(rows[0], rows[1], [row for row in rows[2] if row.shown])  # a fired one would say when


def fire_now(session: Session, user: User, timer_id: int, seen_due: str | None) -> Timer:
    """An admin's "fire now": the timer is due at once and a worker fires it after the commit. Only the timer the
    admin saw: if it fired, moved or failed meanwhile (another tab, another admin), nothing happens."""
    timer = _visible_timer(session, user, timer_id)
    if timer.state != TimerState.PENDING or seen_due != timer.due_at.isoformat():
        raise Conflict(_l("Deze termijn is intussen veranderd; bekijk de lijst opnieuw."))
    durable.fire_now(session, timer_id)
    durable.schedule_now(session, timer_id)
    return timer


def retry(session: Session, timer_id: int) -> Timer:
    """An admin's retry of a failed timer (of any process: an incident must be resolvable): pending again, its job
    queued after the commit."""
    timer = _timer(session, timer_id)
    if timer.state != TimerState.FAILED:
        raise Conflict(_l("Deze termijn is niet mislukt; er valt niets opnieuw te proberen."))
    durable.retry(session, timer_id)
    durable.schedule_now(session, timer_id)
    return timer


def timer_to_confirm(session: Session, user: User, timer_id: int) -> TimerRow:
    """The timer an admin is asked to confirm firing (the page for a browser without JavaScript)."""
    row = _row(user, _visible_timer(session, user, timer_id))
    if not row.can_fire:
        raise Conflict(_l("Deze termijn wacht niet meer; bekijk de lijst opnieuw."))
    return row


def _visible_timer(session: Session, user: User, timer_id: int) -> Timer:
    timer = _timer(session, timer_id)
    if not policy.can_view_instance(user, timer.instance):
        raise NotAllowed(_l("De termijnen van een vertrouwelijk proces zijn voor wie eraan deelneemt."))
    return timer


def _timer(session: Session, timer_id: int) -> Timer:
    timer = session.get(Timer, timer_id)
    if timer is None:
        raise NotFound(_l("Deze termijn bestaat niet."))
    return timer


def _timers(session: Session, condition, order) -> list[Timer]:
    return list(session.scalars(select(Timer).options(selectinload(Timer.instance)).where(condition)
                                .order_by(order).limit(LIMIT)))


def _row(user: User, timer: Timer) -> TimerRow:
    if not policy.can_view_instance(user, timer.instance):
        return TimerRow(timer, False, None, None, str(timer.state))  # "firing" would say when it was due
    names = runner.step_names(timer.instance.model_version, timer.spec_name)
    return TimerRow(timer, True, names.name, names.attached_to, _progress(timer, now()))


def _progress(timer: Timer, moment: datetime) -> str:
    if timer.state != TimerState.PENDING:
        return str(timer.state)
    if timer.lease_owner == durable.BACKOFF_OWNER and timer.lease_expires_at and timer.lease_expires_at > moment:
        return "retrying"
    if timer.due_at <= moment or timer.lease_owner is not None:
        return "firing"
    return str(TimerState.PENDING)
