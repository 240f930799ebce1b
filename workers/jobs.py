"""RQ jobs: small functions that take ids; the database decides what really happens (app/engine/timers.py)."""
from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from app.clock import now
from app.db import db
from app.engine import hooks
from app.engine import notifications as durable_tasks
from app.engine import timers as durable
from app.engine.errors import Conflict
from workers.scheduling import reschedule

log = logging.getLogger(__name__)
OWNER = f"{socket.gethostname()}:{os.getpid()}"


def fire_timer(timer_id: int) -> str:
    """Claim the timer, fire it when due, or count a failure and back off. Safe to run twice or late."""
    session = db.session()
    try:
        if not durable.claim(session, timer_id, OWNER):
            session.commit()
            return str(durable.Outcome.GONE)
        session.commit()
        return _fire_claimed(session, timer_id)
    finally:
        db.session.remove()


def _fire_claimed(session, timer_id: int) -> str:
    try:
        outcome, due_at = durable.fire(session, timer_id)
        if outcome is durable.Outcome.NOT_DUE:
            hooks.after_commit(session, lambda: reschedule(timer_id, due_at + timedelta(seconds=1)))
        session.commit()
        return str(outcome)
    except Conflict:  # another timer of the same instance was saved first: simply go again
        session.rollback()
        durable.record_retry_now(session, timer_id)
        hooks.after_commit(session, lambda: reschedule(timer_id, now()))
        session.commit()
        return "conflict, again"
    except Exception as exc:
        session.rollback()
        log.warning("timer %s: firing failed: %s", timer_id, type(exc).__name__)
        backoff = durable.record_failure(session, timer_id, exc)
        if backoff is not None:
            hooks.after_commit(session, lambda: reschedule(timer_id, now() + backoff))
        session.commit()
        return "failed" if backoff is None else f"retry in {int(backoff.total_seconds())} s"


def notify_tasks(limit: int = 500) -> int:
    """Mail "a new task waits for you" for READY tasks not yet announced; the task rows are the truth, so a
    lost job only delays this (the reconciler asks again). Tasks done before the job ran are skipped."""
    from app.mail.notify import notify_new_tasks

    session = db.session()
    try:
        tasks = durable_tasks.unannounced(session, limit)
        notify_new_tasks(session, [durable_tasks.as_row(task) for task in tasks])
        durable_tasks.mark_announced(session, [task.id for task in tasks])
        session.commit()
        return len(tasks)
    finally:
        db.session.remove()
