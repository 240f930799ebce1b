"""RQ jobs: small functions that take ids; the database decides what really happens (app/engine/timers.py).

RQ finds them by dotted path (workers/scheduling.py names them): keep these names, jobs waiting in Redis carry them.
"""
from __future__ import annotations

import logging
import os
import socket

from app import dispatch
from app.clock import now
from app.db import db
from app.engine import notifications as durable_tasks
from app.engine import timers as durable
from app.engine.errors import Conflict
from workers.scheduling import forget_batch

log = logging.getLogger(__name__)
OWNER = f"{socket.gethostname()}:{os.getpid()}"


def fire_timer(timer_id: int) -> str:
    """Fire the timer when due, or count a failure and back off. Safe to run twice, early or late."""
    return fire_timers([timer_id])[0]


def fire_timers(timer_ids: list[int]) -> list[str]:
    """Fire timers that fell due together (a batch of the dispatcher), each in its own transaction."""
    outcomes = []
    try:
        for timer_id in timer_ids:
            session = db.session()
            try:
                outcomes.append(_fire(session, timer_id))
            finally:
                db.session.remove()
    finally:
        forget_batch(timer_ids)
    return outcomes


def _fire(session, timer_id: int) -> str:
    try:
        outcome, due_at = durable.fire(session, timer_id, OWNER)
        if outcome is durable.Outcome.NOT_DUE:
            dispatch.on_commit(session, lambda port: port.timers_changed([(timer_id, due_at)], []))
        session.commit()
        return str(outcome)
    except Conflict:  # a web request saved the instance first (SQLite, or no row lock): simply go again
        session.rollback()
        dispatch.current().timers_changed([(timer_id, now())], [])
        return "conflict, again"
    except Exception as exc:
        session.rollback()
        log.warning("timer %s: firing failed: %s", timer_id, type(exc).__name__)
        backoff = durable.record_failure(session, timer_id, exc)
        if backoff is not None:
            dispatch.on_commit(session, lambda port: port.timers_changed([(timer_id, now() + backoff)], []))
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
