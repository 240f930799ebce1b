"""The `vertrouwd evaluation` commands, for admins and operators."""
from __future__ import annotations

import click

from app.db import db


@click.group()
def evaluation() -> None:
    """The annual evaluation per entity (R18)."""


@evaluation.command("generate")
@click.option("--year", type=click.IntRange(2000, 2999), required=True, help="The year evaluated.")
@click.option("--entity", "entity_code", help="One entity's code (default: every entity).")
def generate(year: int, entity_code: str | None) -> None:
    """Generate (or regenerate) the evaluations of YEAR; a confidant with three years without a dossier gets one
    conversation with the PAPSY, never two for the same year."""
    from app.evaluation import services

    session = db.session()
    try:
        count = services.generate_year(session, year, entity_code)
    except services.EvaluationRefused as exc:
        session.rollback()
        raise click.ClickException(str(exc.message)) from exc
    session.commit()
    click.echo(f"evaluation {year}: {count} entit{'y' if count == 1 else 'ies'} generated")
