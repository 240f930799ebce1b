"""RQ jobs: small functions that take ids; the database decides what really happens."""
from __future__ import annotations

import logging
from datetime import timedelta

from app.clock import now
from app.db import db
from app.engine import hooks, runner
from app.models import InstanceStatus, Timer, TimerState
from workers.scheduling import reschedule

log = logging.getLogger(__name__)


def fire_timer(timer_id: int) -> str:
    """Fire a due timer: the engine refreshes the instance's timers, steps and saves. Idempotent."""
    session = db.session()
    try:
        timer = session.get(Timer, timer_id, with_for_update=True)
        if timer is None or timer.state != TimerState.PENDING:
            return "nothing to do"
        if timer.due_at >= now():  # RQ may run a job up to a second early; SpiffWorkflow fires strictly after
            due_at = timer.due_at
            hooks.after_commit(session, lambda: reschedule(timer_id, due_at + timedelta(seconds=1)))
            session.commit()
            return "not yet due"
        instance = timer.instance
        if instance.status != InstanceStatus.RUNNING:
            timer.state = TimerState.CANCELLED
            session.commit()
            return "instance not running"
        runner.fire_timers(session, instance)
        session.commit()
        session.refresh(timer)
        return str(timer.state)
    except Exception:
        session.rollback()
        raise
    finally:
        db.session.remove()
