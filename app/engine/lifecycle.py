"""An admin's hand on a running instance: suspend it (its tasks cannot be completed, its timers are held), resume
it (held timers wait again and fire at once when overdue), terminate it with a reason (open tasks and timers are
cancelled; its history stays). Each is one transaction on the locked instance row, in the instance's history and
the audit log.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import dispatch
from app.dossiers import audit
from app.engine import runner
from app.engine.errors import Conflict, InvalidData, NotFound
from app.engine.timers import locked_instance
from app.models import InstanceStatus, ProcessInstance, Task, TaskState, Timer, TimerState, User

MAX_REASON = 500
_ACTIVE = (InstanceStatus.RUNNING, InstanceStatus.INCIDENT)


def suspend(session: Session, instance_id: int, actor: User) -> ProcessInstance:
    instance = _instance(session, instance_id)
    if instance.status not in _ACTIVE:
        raise Conflict(_l("Alleen een lopend proces kan opgeschort worden."))
    held = _set_timers(session, instance.id, (TimerState.PENDING,), TimerState.HELD)
    instance.status = InstanceStatus.SUSPENDED
    _note(session, instance, "suspended", actor, audit.Action.SUSPEND_INSTANCE)
    dispatch.on_commit(session, lambda port: port.timers_changed([], [timer_id for timer_id, _ in held]))
    return instance


def resume(session: Session, instance_id: int, actor: User) -> ProcessInstance:
    instance = _instance(session, instance_id)
    if instance.status != InstanceStatus.SUSPENDED:
        raise Conflict(_l("Dit proces is niet opgeschort."))
    waiting = _set_timers(session, instance.id, (TimerState.HELD,), TimerState.PENDING)
    failed = session.scalar(select(Timer.id).where(Timer.instance_id == instance.id,
                                                   Timer.state == TimerState.FAILED).limit(1))
    instance.status = InstanceStatus.INCIDENT if failed is not None else InstanceStatus.RUNNING
    _note(session, instance, "resumed", actor, audit.Action.RESUME_INSTANCE)
    dispatch.on_commit(session, lambda port: port.timers_changed(waiting, []))
    return instance


def terminate(session: Session, instance_id: int, actor: User | None, reason: object) -> ProcessInstance:
    """Without ``actor``: the application itself ends it (a confidant's role ended), said so in the history."""
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON:
        raise InvalidData({"reason": str(_l("Geef een reden van hoogstens %(max)d tekens.", max=MAX_REASON))})
    instance = _instance(session, instance_id)
    if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED):
        raise Conflict(_l("Dit proces is al afgelopen."))
    cancelled = _set_timers(session, instance.id, (TimerState.PENDING, TimerState.HELD, TimerState.FAILED),
                            TimerState.CANCELLED)
    session.execute(update(Task).where(Task.instance_id == instance.id, Task.state == TaskState.READY)
                    .values(state=TaskState.CANCELLED), execution_options={"synchronize_session": False})
    instance.status, instance.incident = InstanceStatus.CANCELLED, None
    _note(session, instance, "terminated", actor, audit.Action.TERMINATE_INSTANCE, reason.strip())
    dispatch.on_commit(session, lambda port: port.timers_changed([], [timer_id for timer_id, _ in cancelled]))
    return instance


def _instance(session: Session, instance_id: int) -> ProcessInstance:
    instance = locked_instance(session, instance_id)
    if instance is None:
        raise NotFound(_l("Dit proces bestaat niet."))
    return instance


def _set_timers(session: Session, instance_id: int, states: tuple[TimerState, ...],
                new_state: TimerState) -> list[tuple[int, object]]:
    """Move the instance's timers in ``states`` to ``new_state``; their (id, due time)."""
    rows = session.execute(update(Timer).where(Timer.instance_id == instance_id, Timer.state.in_(states))
                           .values(state=new_state, lease_owner=None, lease_expires_at=None)
                           .returning(Timer.id, Timer.due_at), execution_options={"synchronize_session": False})
    return [tuple(row) for row in rows]


def _note(session: Session, instance: ProcessInstance, kind: str, actor: User | None, action: str,
          detail: str | None = None) -> None:
    session.flush()
    runner.record(session, instance, kind, None, actor, detail)
    audit.record(session, actor.id if actor else None, None, f"{action} {instance.id}")

