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

from app.db import db
from app.engine import notifications
from app.engine import timers as durable
from workers import connection
from workers.mail_jobs import requeue_stale_mail
from workers.scheduling import enqueue_notifications, enqueue_now

log = logging.getLogger(__name__)
GRACE = timedelta(seconds=1)
LOCK_KEY = "vertrouwd:reconciler"


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
    if overdue:
        enqueue_now(overdue)
        log.info("reconciler: enqueued %d overdue timer(s)", len(overdue))
    if unannounced:
        enqueue_notifications()
    requeue_stale_mail()
    return len(overdue)


def start_thread(period_seconds: float) -> threading.Event:
    """Run ``reconcile`` now and every ``period_seconds`` in a daemon thread; set the event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                if connection.redis_connection().set(LOCK_KEY, "1", nx=True, ex=max(int(period_seconds) - 1, 1)):
                    reconcile()
            except Exception:  # never let the thread die: the next round tries again
                log.exception("reconciler round failed")
            stop.wait(period_seconds)

    threading.Thread(target=loop, name="reconciler", daemon=True).start()
    return stop
