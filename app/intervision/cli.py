"""The `vertrouwd intervision` commands, for operators."""
from __future__ import annotations

import click

from app.db import db


@click.group()
def intervision() -> None:
    """Intervision (R12): groups and the yearly cycle."""


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
