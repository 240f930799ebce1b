"""The reconciler: the database, not Redis, says which timers are still waiting for a job.

Every pending timer that is overdue by more than GRACE and that no worker holds is enqueued again:
its job was lost (Redis flushed, a worker killed, the scheduler's lock stuck after a crash). Expired
leases are released. New tasks not yet announced get the job that mails their people: the web never
waits for Redis or mail when it creates a task. It runs at worker start and then every RECONCILE_SECONDS, in a thread of each
worker; a short Redis lock keeps the workers from all doing it at the same moment, and if Redis lost
the lock too, running twice only enqueues a harmless duplicate.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from app.clock import now
from app.db import db
from app.engine import notifications
from app.engine import timers as durable
from workers import connection
from workers.mail_jobs import requeue_stale_mail
from workers.scheduling import enqueue_notifications, enqueue_now, job_id

log = logging.getLogger(__name__)
GRACE = timedelta(seconds=1)
LOCK_KEY = "vertrouwd:reconciler:{queue}"  # one per queue: deployments may share a Redis database


def reconcile() -> int:
    """Enqueue the overdue, unheld timers; returns how many."""
    session = db.session()
    try:
        durable.release_expired_leases(session)
        overdue = durable.due_unleased(session, GRACE)
        unannounced = bool(notifications.unannounced(session, 1))
        session.commit()
    finally:
        db.session.remove()
    lost = jobs_lost(overdue)
    if lost:
        enqueue_now(lost)
        log.info("reconciler: enqueued %d overdue timer(s) whose job was lost", len(lost))
    if unannounced:
        enqueue_notifications()
    requeue_stale_mail()
    return len(lost)


def jobs_lost(timer_ids: list[int]) -> list[int]:
    """The timers whose job is not waiting or running: gone from Redis, or scheduled but overdue (a stuck
    scheduler, e.g. its lock left by a killed worker)."""
    if not timer_ids:
        return []
    redis = connection.redis_connection()
    scheduled_key = connection.queue().scheduled_job_registry.key
    with redis.pipeline(transaction=False) as pipe:
        for timer_id in timer_ids:
            pipe.hget(f"rq:job:{job_id(timer_id)}", "status")
            pipe.zscore(scheduled_key, job_id(timer_id))
        answers = pipe.execute()
    stale_before = now().timestamp() - GRACE.total_seconds()
    lost = []
    for timer_id, status, score in zip(timer_ids, answers[::2], answers[1::2]):
        waiting = status in (b"queued", b"started") or (score is not None and score >= stale_before)
        if not waiting:
            lost.append(timer_id)
    return lost


def start_thread(period_seconds: float) -> threading.Event:
    """Run ``reconcile`` now and every ``period_seconds`` in a daemon thread; set the event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                lock = LOCK_KEY.format(queue=connection.queue().name)
                if connection.redis_connection().set(lock, "1", nx=True, ex=max(int(period_seconds) - 1, 1)):
                    reconcile()
            except Exception:  # never let the thread die: the next round tries again
                log.exception("reconciler round failed")
            stop.wait(period_seconds)

    threading.Thread(target=loop, name="reconciler", daemon=True).start()
    return stop
