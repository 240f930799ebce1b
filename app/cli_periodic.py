"""`vertrouwd periodic`: the daily and weekly jobs (app/periodic.py), which the workers run by themselves."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import click
from sqlalchemy import func, select

from app import periodic
from app.config import Settings
from app.db import db
from app.models.periodic import PeriodicRun


@click.group("periodic")
def periodic_group() -> None:
    """The daily and weekly jobs (the workers run them; these commands show and start them)."""


@periodic_group.command("list")
def list_jobs() -> None:
    """Every job with its rhythm and its last run."""
    session = db.session()
    for job in sorted(periodic.JOBS.values(), key=lambda job: job.name):
        last = session.scalar(select(func.max(PeriodicRun.period)).where(PeriodicRun.job == job.name))
        when = f"{job.every}, from {job.hour:02d}:00" + (f" on weekday {job.weekday}" if job.every == "weekly" else "")
        click.echo(f"{job.name}: {when}; last run: {last or 'never'}")


@periodic_group.command("run")
@click.argument("names", nargs=-1)
def run_jobs(names: tuple[str, ...]) -> None:
    """Run the jobs (all, or those named) that have not run in their current period yet."""
    unknown = sorted(set(names) - set(periodic.JOBS))
    if unknown:
        raise click.UsageError(f"unknown job(s): {', '.join(unknown)}; see `vertrouwd periodic list`")
    ran = periodic.run_due(db.session, ZoneInfo(Settings().display_timezone), list(names) or None)
    click.echo(f"ran: {', '.join(ran)}" if ran else "nothing due: every job ran in its current period")
