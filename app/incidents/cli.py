"""The `vertrouwd incidents` commands, for operators."""
from __future__ import annotations

import click

from app.db import db


@click.group()
def incidents() -> None:
    """The yearly sharing of repeated incidents with the PAPSY (R8)."""


@incidents.command("start-year")
@click.option("--year", type=click.IntRange(2000, 2999), help="The year (default: this year, in Brussels).")
def start_year(year: int | None) -> None:
    """Start the year's sharing of every active confidant who has none for it yet (running it again starts none
    twice). It opens on 1 December of the year, at once when that has passed; each year's opening starts the next."""
    from app.incidents import services, sharing

    session = db.session()
    year = year or services.this_year()
    started = sharing.start_year(session, year)
    session.commit()
    click.echo(f"repeated incidents {year}: {started} confidant(s) started")
