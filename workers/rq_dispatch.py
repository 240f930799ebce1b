"""The dispatch port of app/dispatch.py on Redis and RQ: what the engine, mail and modeling leave after a commit
becomes a waiting timer in the queue's sorted set, a job on the RQ queue, or a cancelled entry."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.config import Settings
from workers import connection, mail_jobs, migration_jobs, scheduling


class RQDispatch:
    """Work for the workers, on the RQ queue of the settings given to ``connect``."""

    def timers_changed(self, scheduled: Sequence[tuple[int, datetime]], cancelled: Sequence[int]) -> None:
        scheduling.schedule_timers(list(scheduled))
        scheduling.cancel_jobs(list(cancelled))

    def timers_due_now(self, timer_ids: Sequence[int]) -> None:
        scheduling.enqueue_now(list(timer_ids))

    def mail_queued(self, message_id: int) -> None:
        mail_jobs.enqueue_send(message_id)

    def migration_queued(self, run_id: int) -> None:
        migration_jobs.enqueue(run_id)


def connect(settings: Settings) -> RQDispatch:
    """The dispatcher for a process with these settings (a factory for ``create_app(dispatch_factory=...)``)."""
    connection.configure(settings)
    return RQDispatch()
