"""The reconciler: the database, not Redis, says which timers are still waiting for a job.

Every pending timer that is overdue by more than GRACE and that no worker holds is enqueued again:
its job was lost (Redis flushed, a worker killed while firing it or between taking it from the waiting set and
enqueueing it, no worker running). Expired leases are released. New tasks not yet announced get the job that
mails their people: the web never waits for Redis or mail when it creates a task. The periodic jobs
(app/periodic.py) that are due run here too. It runs at worker start and
then every RECONCILE_SECONDS, in a thread of each worker; a short Redis lock keeps the workers from all doing it at the same moment, and if Redis lost
the lock too, running twice only enqueues a harmless duplicate.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rq.utils import utcparse

from app import periodic
from app.clock import now
from app.db import db
from app.db_outage import database_unreachable
from app.engine import notifications
from app.engine import timers as durable
from workers import connection
from workers.mail_jobs import requeue_stale_mail
from workers.scheduling import batch_map_key, enqueue_notifications, job_id, schedule_timers, timers_key

log = logging.getLogger(__name__)
GRACE = timedelta(seconds=1)
STARTED_STALE = timedelta(seconds=15)
LOCK_KEY = "vertrouwd:reconciler:{queue}"  # one per queue: deployments may share a Redis database


def reconcile() -> int:
    """Put back what Redis lost: every pending timer after Redis lost its data, else the overdue, unheld timers
    whose job is gone. They go to the waiting set, from which the dispatchers enqueue them in batches. Returns
    how many timers were put back."""
    session = db.session()
    try:
        durable.release_expired_leases(session)
        redis_lost_data = not connection.redis_connection().exists(synced_key())
        candidates = durable.pending_schedule(session) if redis_lost_data else durable.due_unleased(session, GRACE)
        unannounced = bool(notifications.unannounced(session, 1))
        session.commit()
    finally:
        db.session.remove()
    if redis_lost_data:
        restored = candidates
        # The mark goes first: a flush after it takes it away again, so the next round puts everything back.
        connection.redis_connection().set(synced_key(), "1")
        log.info("reconciler: Redis holds no timers of this queue; %d pending timer(s) put back", len(restored))
    else:
        # The mark is not written here: a flush during this round must leave it missing for the next one.
        lost = set(jobs_lost([timer_id for timer_id, _ in candidates]))
        restored = [(timer_id, due) for timer_id, due in candidates if timer_id in lost]
        if restored:
            log.info("reconciler: enqueued %d overdue timer(s) whose job was lost", len(restored))
    schedule_timers(restored)
    if unannounced:
        enqueue_notifications()
    requeue_stale_mail()
    periodic.run_due(db.session, ZoneInfo(connection.settings().display_timezone))
    db.session.remove()
    return len(restored)


def synced_key() -> str:
    """Present while Redis holds this queue's timers; gone after a flush or the loss of Redis' data."""
    return f"vertrouwd:{connection.settings().rq_queue}:timers-synced"


def jobs_lost(timer_ids: list[int]) -> list[int]:
    """The timers with no job waiting or running (neither their own nor the dispatcher's batch that carries
    them): gone from Redis, or still in the waiting set long after their time (no dispatcher running)."""
    if not timer_ids:
        return []
    redis = connection.redis_connection()
    batches = redis.hmget(batch_map_key(), [str(timer_id) for timer_id in timer_ids])
    with redis.pipeline(transaction=False) as pipe:
        for timer_id, batch in zip(timer_ids, batches):
            pipe.hmget(f"rq:job:{job_id(timer_id)}", "status", "started_at")
            pipe.hmget(f"rq:job:{batch.decode() if batch else job_id(timer_id)}", "status", "started_at")
            pipe.zscore(timers_key(), str(timer_id))
        answers = pipe.execute()
    moment = now()
    stale_before = (moment - GRACE).timestamp()
    return [timer_id for timer_id, own, batch, score in zip(timer_ids, answers[::3], answers[1::3], answers[2::3])
            if not (_alive(*own, moment) or _alive(*batch, moment) or (score is not None and score >= stale_before))]


def _alive(status: bytes | None, started_at: bytes | None, moment: datetime) -> bool:
    """Queued, or started not so long ago that its worker must have died (firing takes milliseconds; the job
    of a killed worker stays 'started' in Redis). A duplicate of a slow job is harmless: the timer row decides."""
    if status == b"queued":
        return True
    if status != b"started" or not started_at:
        return False
    return utcparse(started_at.decode()) > moment - STARTED_STALE


def start_thread(period_seconds: float) -> threading.Event:
    """Run ``reconcile`` now and every ``period_seconds`` in a daemon thread; set the event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                lock = LOCK_KEY.format(queue=connection.queue().name)
                if connection.redis_connection().set(lock, "1", nx=True, ex=max(int(period_seconds) - 1, 1)):
                    reconcile()
            except Exception as exc:  # never let the thread die: the next round tries again
                if database_unreachable(exc):  # a restart: the pool connects anew next round
                    log.warning("reconciler: database out of reach (%s); next round in %g s", type(exc).__name__,
                                period_seconds)
                else:
                    log.exception("reconciler round failed")
            stop.wait(period_seconds)

    threading.Thread(target=loop, name="reconciler", daemon=True).start()
    return stop
