"""Putting timer jobs on RQ: one job per timer row, under a deterministic id, after the commit."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

log = logging.getLogger(__name__)


def job_id(timer_id: int) -> str:
    return f"timer-{timer_id}"


def run_at(due_at: datetime) -> datetime:
    """RQ stores whole seconds and may run up to a second early: round up, the job re-checks anyway."""
    due_at = due_at.astimezone(timezone.utc)
    whole = due_at.replace(microsecond=0)
    return whole if whole == due_at else whole + timedelta(seconds=1)


def schedule_timers(timers: list[tuple[int, datetime]]) -> None:
    """Schedule ``fire_timer`` for each (timer id, due time)."""
    from workers.connection import queue
    from workers.jobs import fire_timer

    if not timers:
        return
    q = queue()
    for timer_id, due_at in timers:
        q.enqueue_at(run_at(due_at), fire_timer, timer_id, job_id=job_id(timer_id))
    log.info("scheduled %d timer job(s)", len(timers))


def reschedule(timer_id: int, due_at: datetime) -> None:
    schedule_timers([(timer_id, due_at)])


def enqueue_now(timer_ids: list[int]) -> None:
    """Put timer jobs on the queue at once (the reconciler, an admin's retry); duplicates are harmless."""
    from workers.connection import queue
    from workers.jobs import fire_timer

    q = queue()
    for timer_id in timer_ids:
        q.enqueue(fire_timer, timer_id, job_id=job_id(timer_id))


def cancel_jobs(timer_ids: list[int]) -> None:
    """Drop the jobs of cancelled timers (if one survives, it finds its timer cancelled and does nothing)."""
    if not timer_ids:
        return
    from workers.connection import queue

    q = queue()
    registry = q.scheduled_job_registry
    for timer_id in timer_ids:
        registry.remove(job_id(timer_id), delete_job=True)


NOTIFY_JOB_ID = "notify-tasks"


def enqueue_notifications() -> None:
    """Ask a worker to tell people of their new tasks (one job at a time covers every task waiting for it)."""
    from workers.connection import queue
    from workers.jobs import notify_tasks

    queue().enqueue(notify_tasks, job_id=NOTIFY_JOB_ID)
