"""RQ jobs: small functions that take ids; the database decides what really happens."""
from __future__ import annotations

import logging
from datetime import timedelta

from SpiffWorkflow.util.task import TaskState as SpiffState

from app.clock import now
from app.db import db
from app.engine import hooks, runner
from app.engine.projection import Snapshot
from app.models import InstanceStatus, Timer, TimerState
from workers.scheduling import reschedule

log = logging.getLogger(__name__)


def fire_timer(timer_id: int) -> str:
    """Fire a due timer: refresh the instance's timers, step the engine, save. Idempotent."""
    session = db.session()
    try:
        timer = session.get(Timer, timer_id, with_for_update=True)
        if timer is None or timer.state != TimerState.PENDING:
            return "nothing to do"
        if timer.due_at >= now():
            hooks.after_commit(session, lambda: reschedule(timer.id, timer.due_at + timedelta(seconds=1)))
            session.commit()
            return "not yet due"
        instance = timer.instance
        if instance.status != InstanceStatus.RUNNING:
            timer.state = TimerState.CANCELLED
            session.commit()
            return "instance not running"
        workflow = runner.load_workflow(instance)
        before = Snapshot.of(workflow)
        runner.run_engine(session, instance, workflow, refresh_timers=True)
        timer.attempts += 1
        if not _still_waiting(workflow, timer):
            timer.state, timer.fired_at = TimerState.FIRED, now()
        runner.save(session, instance, workflow, before)
        session.commit()
        return timer.state.value if hasattr(timer.state, "value") else str(timer.state)
    except Exception:
        session.rollback()
        raise
    finally:
        db.session.remove()


def _still_waiting(workflow, timer: Timer) -> bool:
    from uuid import UUID

    task = workflow.get_task_from_id(UUID(timer.spiff_task_id))
    return task is not None and task.state == SpiffState.WAITING
