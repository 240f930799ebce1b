"""RQ jobs: small functions that take ids; the database decides what really happens (app/engine/timers.py).

RQ finds them by dotted path (workers/scheduling.py names them): keep these names, jobs waiting in Redis carry them.
"""
from __future__ import annotations

import logging
import os
import socket
import time

from app import dispatch
from app.clock import now
from app.db import db
from app.db_outage import database_unreachable
from app.engine import notifications as durable_tasks
from app.engine import timers as durable
from app.engine.errors import Conflict
from workers.scheduling import forget_batch

log = logging.getLogger(__name__)
OWNER = f"{socket.gethostname()}:{os.getpid()}"
RECONNECT_SECONDS = 30.0  # how long a job waits for the database to come back (a restart takes seconds)


def fire_timer(timer_id: int) -> str:
    """Fire the timer when due, or count a failure and back off. Safe to run twice, early or late."""
    return fire_timers([timer_id])[0]


def fire_timers(timer_ids: list[int]) -> list[str]:
    """Fire timers that fell due together (a batch of the dispatcher): all in one transaction when each is simply
    due, else each in its own. A database that drops the connection meanwhile (a restart) is waited for."""
    outcomes: list[str] = []
    patience = _Patience()
    try:
        together = patience.keep_trying(_fire_together, timer_ids) if len(timer_ids) > 1 else None
        if together is not None:
            return together
        for timer_id in timer_ids:
            outcomes.append(patience.keep_trying(_fire_alone, timer_id))
    finally:
        forget_batch(timer_ids)
    return outcomes


class _Patience:
    """Runs a job's unit of work again when the database was out of reach. Its transaction was rolled back (or, cut
    off during its commit, may have been kept: then the timer is fired and the next try finds it gone), so going
    again is safe, and it is no failed attempt (a timer's attempts count failures of its steps). The first retry
    comes at once (a dropped connection: the pool connects anew), then after growing pauses, for RECONNECT_SECONDS
    per job; then the job fails, and the reconciler puts its timers back once the database answers."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + RECONNECT_SECONDS
        self.pause = 0.0

    def keep_trying(self, work, *args):
        while True:
            try:
                return work(*args)
            except Exception as exc:
                if not database_unreachable(exc) or time.monotonic() + self.pause > self.deadline:
                    raise
                log.warning("database out of reach (%s); going again in %.1f s", type(exc).__name__, self.pause)
                time.sleep(self.pause)  # a real other process (PostgreSQL) is coming back
                self.pause = min(max(self.pause * 2, 0.1), 2.0)


def _fire_together(timer_ids: list[int]) -> list[str] | None:
    """The outcome of each timer, all fired in one transaction; None when they must go one by one."""
    session = db.session()
    try:
        outcomes = durable.fire_together(session, timer_ids, OWNER)
        if outcomes is None:
            session.rollback()
            return None
        for timer_id, (outcome, due_at) in outcomes.items():
            if outcome is durable.Outcome.NOT_DUE:
                dispatch.on_commit(session, lambda port, timer_id=timer_id, due_at=due_at:
                                   port.timers_changed([(timer_id, due_at)], []))
        session.commit()
        return [str(outcomes[timer_id][0]) for timer_id in timer_ids]
    except Exception as exc:
        session.rollback()
        if database_unreachable(exc):
            raise
        # A step failed, or a web request saved an instance first: one by one, each failure counts for its own timer.
        log.info("timers %s: firing together failed (%s); one by one", timer_ids, type(exc).__name__)
        return None
    finally:
        db.session.remove()


def _fire_alone(timer_id: int) -> str:
    session = db.session()
    try:
        return _fire(session, timer_id)
    finally:
        db.session.remove()


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
        if database_unreachable(exc):  # nothing was kept, and nothing can be counted: the caller goes again
            raise
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
