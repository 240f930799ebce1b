"""Putting timer jobs on RQ: one job per timer row, under a deterministic id, after the commit (the timer side of
workers/rq_dispatch.py).

RQ's own scheduler keeps whole seconds and polls once a second, so a timer would run 0 to 2 s after its
due time. Timers therefore wait in a sorted set of their own (``vertrouwd:<queue>:timers``, timer id ->
due time with microseconds); the dispatcher thread of every worker (workers/dispatcher.py) moves the due
ones onto the RQ queue. The database stays the truth: a timer lost from the set on the way (a worker
killed between the move and the enqueue, Redis flushed) is put back by the reconciler.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from rq import Queue

from workers.connection import queue, redis_connection, settings

log = logging.getLogger(__name__)
NOT_BEFORE = timedelta(milliseconds=1)  # SpiffWorkflow fires a timer only strictly after its due time
# The jobs by dotted path, as RQ stores them with each job: jobs already waiting in Redis carry these names, so
# they stay valid (workers/jobs.py keeps the functions under these names).
FIRE_TIMER = "workers.jobs.fire_timer"
FIRE_TIMERS = "workers.jobs.fire_timers"
NOTIFY_TASKS = "workers.jobs.notify_tasks"


def _queue_name() -> str:
    return settings().rq_queue


def job_id(timer_id: int) -> str:
    """Job ids carry the queue: RQ keeps jobs per Redis database, which deployments may share."""
    return f"{_queue_name()}-timer-{timer_id}"


def timers_key(queue_name: str | None = None) -> str:
    return f"vertrouwd:{queue_name or _queue_name()}:timers"


def schedule_timers(timers: list[tuple[int, datetime]], chunk: int = 5000) -> None:
    """Let the dispatchers enqueue ``fire_timer`` for each (timer id, due time) once it is due; scheduling
    a timer again only moves its time."""
    for start in range(0, len(timers), chunk):
        redis_connection().zadd(timers_key(), {str(timer_id): (due_at + NOT_BEFORE).timestamp()
                                               for timer_id, due_at in timers[start:start + chunk]})
    if timers:
        log.info("scheduled %d timer job(s)", len(timers))


def enqueue_now(timer_ids: list[int]) -> None:
    """Put timer jobs on the queue at once (the dispatcher, the reconciler, an admin's retry); a duplicate
    job is harmless, the timer row decides."""
    if not timer_ids:
        return
    q = queue()
    q.enqueue_many([Queue.prepare_data(FIRE_TIMER, (timer_id,), job_id=job_id(timer_id), result_ttl=0)
                    for timer_id in timer_ids])


def batch_job_prefix() -> str:
    return f"{_queue_name()}-timers-"


def batch_counter_key() -> str:
    return f"vertrouwd:{_queue_name()}:timer-batches"


def batch_map_key() -> str:
    """timer id -> the batch job that carries it, until that job is done (for the reconciler)."""
    return f"vertrouwd:{_queue_name()}:timer-batch"


def enqueue_batch(batch_job_id: str, timer_ids: list[int]) -> None:
    queue().enqueue(FIRE_TIMERS, timer_ids, job_id=batch_job_id, result_ttl=0)


def forget_batch(timer_ids: list[int]) -> None:
    if timer_ids:
        redis_connection().hdel(batch_map_key(), *[str(timer_id) for timer_id in timer_ids])


def cancel_jobs(timer_ids: list[int]) -> None:
    """Drop the waiting entries of cancelled timers (a job already queued finds its timer cancelled)."""
    if timer_ids:
        redis_connection().zrem(timers_key(), *[str(timer_id) for timer_id in timer_ids])


def notify_job_id() -> str:
    return f"{_queue_name()}-notify-tasks"


def enqueue_notifications() -> None:
    """Ask a worker to tell people of their new tasks (one job at a time covers every task waiting for it)."""
    queue().enqueue(NOTIFY_TASKS, job_id=notify_job_id())
