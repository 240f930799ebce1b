"""The raw counts behind the reports: a few GROUP BY queries over the categorical columns and facts of the dossiers.
Never a sealed column, never a row per person: counts per (entity, quarter, dimension, value) only. These raw counts
never leave this package unsuppressed (services.py suppresses them before anything is shown, exported or cached)."""
from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from app.models import Dossier, DossierFact
from app.reports.dimensions import DIMENSIONS, NO, OPEN, YES
from app.reports.periods import QUARTERS, quarter_start

Key = tuple[str, int, str, int]  # (dimension, quarter, value, entity id)


def _quarter_of_opening(year: int):
    """The quarter as a CASE over date ranges: portable (SQLite and PostgreSQL) and it keeps the index usable."""
    return case(*((Dossier.opened_on < quarter_start(year, quarter + 1), quarter) for quarter in QUARTERS[:-1]),
                else_=4)


def year_counts(session: Session, year: int, cutoff: date) -> tuple[Counter, Counter]:
    """(cells, dossiers): cells[(dimension, quarter, value, entity)] and dossiers[(quarter, entity)] for the
    dossiers opened in ``year`` before ``cutoff``."""
    start, end = date(year, 1, 1), min(date(year + 1, 1, 1), cutoff)
    in_year = (Dossier.opened_on >= start, Dossier.opened_on < end)
    quarter = _quarter_of_opening(year)
    cells: Counter = Counter()
    dossiers: Counter = Counter()
    single = [dimension for dimension in DIMENSIONS if dimension.column]
    columns = [getattr(Dossier, dimension.column) for dimension in single]
    rows = session.execute(select(quarter, Dossier.entity_id, *columns, func.count())
                           .where(*in_year).group_by(quarter, Dossier.entity_id, *columns))
    for row in rows:
        q, entity_id, *values, count = row
        dossiers[(q, entity_id)] += count
        for dimension, value in zip(single, values):
            cells[(dimension.key, q, _single_value(value), entity_id)] += count
    kinds = {dimension.fact_kind: dimension.key for dimension in DIMENSIONS if dimension.fact_kind}
    facts = session.execute(
        select(quarter, Dossier.entity_id, DossierFact.kind, DossierFact.value, func.count(distinct(Dossier.id)))
        .join(DossierFact, DossierFact.dossier_id == Dossier.id)
        .where(*in_year, DossierFact.kind.in_(list(kinds)))
        .group_by(quarter, Dossier.entity_id, DossierFact.kind, DossierFact.value))
    for q, entity_id, kind, value, count in facts:
        cells[(kinds[kind], q, value, entity_id)] += count
    return cells, dossiers


def _single_value(value) -> str:
    if value is None:
        return OPEN
    if isinstance(value, bool):
        return YES if value else NO
    return str(value)


def years_with_data(session: Session, cutoff: date) -> list[int]:
    """The years in which dossiers were opened before ``cutoff``, newest first."""
    year = func.extract("year", Dossier.opened_on)
    return sorted((int(value) for value in session.scalars(
        select(year).where(Dossier.opened_on < cutoff).group_by(year))), reverse=True)


def data_version(session: Session) -> tuple:
    """Changes whenever a dossier or a fact is added, changed or removed (every save sets updated_at; facts are
    replaced, so their count or highest id moves)."""
    dossier = session.execute(select(func.count(Dossier.id), func.max(Dossier.id), func.max(Dossier.updated_at))).one()
    fact = session.execute(select(func.count(DossierFact.id), func.max(DossierFact.id))).one()
    return (*dossier, *fact)
