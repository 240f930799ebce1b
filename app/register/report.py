"""The anonymous register report of an entity (R20, with R7's small-cell suppression): how many facts by third
parties a year, per quarter, by kind and context and by kind and the third party's category, and how many prevention
measures were proposed and taken. It feeds the entity's prevention policy.

Only whole years are reported (a quarter is a count within its year's report, never a report of its own), so that
two reports cannot be subtracted. The three views of a year share their totals (the kinds' totals, the grand total,
the quarters), so they are protected together: one set of lines for ``protect``, so that no hidden count can be
recomputed from another view. No description, no date, no row of one fact is ever in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from app.models import Entity, MeasureState, PreventionMeasure, ThirdPartyFact, User
from app.register import choices
from app.reports.suppression import Cell, Line, protect, suppress_counts

TOTAL = ("total",)
QUARTERS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Table:
    """A suppressed two-way table: the kinds down, ``columns`` across, with margins."""

    columns: list[tuple[str, str]]  # (value, words)
    cells: dict[tuple[str, str], Cell]
    row_totals: dict[str, Cell]
    column_totals: dict[str, Cell]


@dataclass(frozen=True)
class RegisterReport:
    entity: Entity
    year: int
    k: int
    kinds: list[tuple[str, str]]
    total: Cell
    quarters: dict[int, Cell]
    by_context: Table
    by_third_party: Table
    measures: dict[str, Cell]
    measures_total: Cell


def report_for(session: Session, entity: Entity, year: int, k: int) -> RegisterReport:
    """The entity's report of ``year``, every count from 1 to k-1 hidden, and what would give one away."""
    facts = session.execute(select(ThirdPartyFact.kind, ThirdPartyFact.context, ThirdPartyFact.third_party,
                                   extract("month", ThirdPartyFact.occurred_on))
                            .where(ThirdPartyFact.entity_id == entity.id,
                                   extract("year", ThirdPartyFact.occurred_on) == year)).all()
    values = _values(facts)
    hidden = tuple(values) if values[TOTAL] < k else ()
    suppressed = protect(values, _lines(), k, hidden)

    def cell(key: Hashable) -> Cell:
        return Cell(None, True) if key in suppressed else Cell(values[key], False)

    measures, measures_total = suppress_counts(_measure_counts(session, entity.id, year), k)
    return RegisterReport(
        entity=entity, year=year, k=k, kinds=choices.options(choices.KINDS), total=cell(TOTAL),
        quarters={quarter: cell(("quarter", quarter)) for quarter in QUARTERS},
        by_context=_table("context", choices.CONTEXTS, cell), by_third_party=_table("third_party",
                                                                                  choices.THIRD_PARTIES, cell),
        measures=measures, measures_total=measures_total)


def _values(facts) -> dict[Hashable, int]:
    values: dict[Hashable, int] = {TOTAL: 0}
    values.update({("quarter", quarter): 0 for quarter in QUARTERS})
    values.update({("kind", kind): 0 for kind in choices.KINDS})
    for dimension, allowed in (("context", choices.CONTEXTS), ("third_party", choices.THIRD_PARTIES)):
        values.update({(dimension, column): 0 for column in allowed})
        values.update({(dimension, kind, column): 0 for kind in choices.KINDS for column in allowed})
    for kind, context, third_party, month in facts:
        if kind not in choices.KINDS or context not in choices.CONTEXTS or third_party not in choices.THIRD_PARTIES:
            continue  # a value of an older list: counted nowhere rather than somewhere wrong
        for key in (TOTAL, ("quarter", (int(month) - 1) // 3 + 1), ("kind", kind), ("context", context),
                    ("context", kind, context), ("third_party", third_party), ("third_party", kind, third_party)):
            values[key] += 1
    return values


def _lines() -> list[Line]:
    """Every sum a reader can form: each table's rows and columns, the margins, the quarters."""
    lines = [Line(tuple(("kind", kind) for kind in choices.KINDS), TOTAL),
             Line(tuple(("quarter", quarter) for quarter in QUARTERS), TOTAL)]
    for dimension, allowed in (("context", choices.CONTEXTS), ("third_party", choices.THIRD_PARTIES)):
        lines += [Line(tuple((dimension, kind, column) for column in allowed), ("kind", kind))
                  for kind in choices.KINDS]
        lines += [Line(tuple((dimension, kind, column) for kind in choices.KINDS), (dimension, column))
                  for column in allowed]
        lines.append(Line(tuple((dimension, column) for column in allowed), TOTAL))
    return lines


def _table(dimension: str, allowed: dict, cell) -> Table:
    return Table(columns=choices.options(allowed),
                 cells={(kind, column): cell((dimension, kind, column)) for kind in choices.KINDS
                        for column in allowed},
                 row_totals={kind: cell(("kind", kind)) for kind in choices.KINDS},
                 column_totals={column: cell((dimension, column)) for column in allowed})


def _measure_counts(session: Session, entity_id: int, year: int) -> dict[str, int]:
    """The measures proposed after the year's facts, by where they stand."""
    counts = {state.value: 0 for state in MeasureState}
    rows = session.execute(select(PreventionMeasure.state, func.count()).join(
        ThirdPartyFact, ThirdPartyFact.id == PreventionMeasure.fact_id)
        .where(ThirdPartyFact.entity_id == entity_id, extract("year", ThirdPartyFact.occurred_on) == year)
        .group_by(PreventionMeasure.state))
    for state, count in rows:
        counts[str(state)] = count
    return counts


def entities_for(session: Session, entity_ids: set[int]) -> list[Entity]:
    return list(session.scalars(select(Entity).where(Entity.id.in_(entity_ids)).order_by(Entity.name))) \
        if entity_ids else []


def years_for(session: Session, entity_id: int, this_year: int) -> list[int]:
    """The years the report offers: this year and every year with a fact, newest first."""
    years = session.scalars(select(extract("year", ThirdPartyFact.occurred_on)).distinct()
                            .where(ThirdPartyFact.entity_id == entity_id))
    return sorted({this_year, *(int(year) for year in years)}, reverse=True)


@dataclass(frozen=True)
class MeasureRow:
    proposal: str
    owner: str
    follow_up_on: object
    state: str
    outcome: str | None


def measures_of(session: Session, user: User, entity_id: int, year: int) -> list[MeasureRow]:
    """The entity's measures after the year's facts, for its PAPSY (the caller asked the policy): what, who, when
    and how it went; nothing of the fact itself."""
    rows = session.execute(select(PreventionMeasure).join(ThirdPartyFact, ThirdPartyFact.id == PreventionMeasure.fact_id)
                           .where(ThirdPartyFact.entity_id == entity_id,
                                  extract("year", ThirdPartyFact.occurred_on) == year)
                           .order_by(PreventionMeasure.follow_up_on, PreventionMeasure.id)).scalars()
    return [MeasureRow(m.proposal, m.owner, m.follow_up_on, str(m.state), m.outcome) for m in rows]
