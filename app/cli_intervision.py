"""The `vertrouwd intervision` commands, for operators: the fixed groups at a glance."""
from __future__ import annotations

import click

from app.db import db


@click.group()
def intervision() -> None:
    """Intervision (R12): the fixed groups and their sessions."""


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
