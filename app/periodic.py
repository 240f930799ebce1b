"""Periodic jobs: daily and weekly work such as the shredding of dossiers past their retention and the library's
digest. A job registers itself with ``@periodic`` in a module that app.register_areas imports.

The database says what ran: a job's run for a period (a day, an ISO week, in the display time zone) is a row of
periodic_run, inserted in the job's own transaction. Every worker's reconciler thread calls ``run_due``; the first
to insert the row runs the job, the others find the row (or lose the insert) and skip. A job that fails rolls its
row back with its work, so the next round tries again.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import now
from app.models.periodic import PeriodicRun

log = logging.getLogger(__name__)
DAILY, WEEKLY = "daily", "weekly"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: str  # DAILY or WEEKLY
    hour: int  # local hour from which it is due in its period
    weekday: int  # WEEKLY: 0 = Monday
    work: Callable[[Session, datetime], int]  # returns what it counted (for the log and the run's row)


JOBS: dict[str, PeriodicJob] = {}


def periodic(name: str, every: str = DAILY, hour: int = 3, weekday: int = 0):
    """Register ``work(session, moment) -> int`` to run once a day (or week) from ``hour`` local time."""
    def register(work: Callable[[Session, datetime], int]):
        JOBS[name] = PeriodicJob(name, every, hour, weekday, work)
        return work
    return register


def period_of(job: PeriodicJob, moment: datetime, zone: ZoneInfo) -> str | None:
    """The period ``moment`` falls in for ``job``, or None before the job's hour (or weekday) in that period."""
    local = moment.astimezone(zone)
    if job.every == WEEKLY:
        start = (local - timedelta(days=(local.weekday() - job.weekday) % 7)).replace(
            hour=job.hour, minute=0, second=0, microsecond=0)
        if start > local:
            start -= timedelta(days=7)
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if local.hour < job.hour:
        return None
    return local.date().isoformat()


def run_due(session_factory: Callable[[], Session], zone: ZoneInfo, names: list[str] | None = None) -> list[str]:
    """Run every registered job whose current period has no run yet; returns the names run."""
    ran = []
    for job in [JOBS[name] for name in names] if names else list(JOBS.values()):
        period = period_of(job, now(), zone)
        if period is not None and _run_once(session_factory(), job, period):
            ran.append(job.name)
    return ran


def _run_once(session: Session, job: PeriodicJob, period: str) -> bool:
    if session.scalar(select(PeriodicRun.job).where(PeriodicRun.job == job.name, PeriodicRun.period == period)):
        return False
    run = PeriodicRun(job=job.name, period=period, started_at=now())
    try:
        session.add(run)
        session.flush()
    except IntegrityError:
        session.rollback()  # another worker took this period
        return False
    try:
        run.result = job.work(session, now())
        run.finished_at = now()
        session.commit()
    except Exception:
        session.rollback()
        log.exception("periodic job %s failed for %s; the next round tries again", job.name, period)
        return False
    log.info("periodic job %s ran for %s: %s", job.name, period, run.result)
    return True
