"""The `vertrouwd intervision` commands, for operators."""
from __future__ import annotations

import click

from app.db import db


@click.group()
def intervision() -> None:
    """Intervision (R12): the fixed groups and the yearly cycle."""


@intervision.command("start-year")
@click.option("--year", type=click.IntRange(2000, 2999), help="The year (default: this year, in Brussels).")
def start_year(year: int | None) -> None:
    """Start the intervision year of every active confidant who has none for it yet (running it again starts none
    twice). A reminder whose date has passed is not sent; the year is closed on 31 December."""
    from app.intervision import year as intervision_year

    session = db.session()
    year = year or intervision_year.this_year()
    started = intervision_year.start_year(session, year)
    session.commit()
    click.echo(f"intervision {year}: {started} confidant(s) started")


@intervision.command("groups")
@click.option("--year", type=click.IntRange(2000, 2100), help="The year of the sessions (default: this year).")
def intervision_groups(year: int | None) -> None:
    """A table of the active groups: group, PAPSY, members of 12, half days planned this year, and how many
    attendances were recorded present."""
    from sqlalchemy import func, select

    from app.intervision import group_sessions, groups
    from app.models import Attendance, EventKind, EventParticipant, NetworkEvent
    from app.models.intervision import GROUP_SIZE, REQUIRED_HALF_DAYS

    session = db.session()
    year = year or group_sessions.this_year()
    members, planned = groups.member_counts(session), group_sessions.planned_counts(session, year)
    attended = dict(session.execute(
        select(NetworkEvent.group_id, func.count()).join(EventParticipant, EventParticipant.event_id == NetworkEvent.id)
        .where(NetworkEvent.kind == EventKind.GROUP_SESSION, NetworkEvent.year == year,
               NetworkEvent.cancelled_at.is_(None), EventParticipant.attendance == Attendance.PRESENT)
        .group_by(NetworkEvent.group_id)).all())
    rows = [("GROUP", "PAPSY", "MEMBERS", f"PLANNED {year}", "ATTENDED")]
    rows += [(group.name, group.leader.name, f"{members.get(group.id, 0)}/{GROUP_SIZE}",
              f"{planned.get(group.id, 0)}/{REQUIRED_HALF_DAYS}", str(attended.get(group.id, 0)))
             for group in groups.active_groups(session)]
    if len(rows) == 1:
        click.echo("No intervision groups yet.")
        return
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
