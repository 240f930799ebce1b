"""The anonymous register report of an entity (R20, with R7's small-cell suppression): how many facts by third
parties a year, per quarter, by kind and context and by kind and the third party's category, and how many prevention
measures were proposed and taken. It feeds the entity's prevention policy.

Only whole years are reported (a quarter is a count within its year's report, never a report of its own), and only
once published (app/reports/periods.py: the year ended, and a month for late facts): the report is then made once and
frozen (ReportSnapshot, kind "register"), so that two openings of it cannot be subtracted to isolate the fact recorded
in between; a fact recorded later no longer changes it. A year not yet published is answered as a year without facts. The three views of a year share their totals (the kinds' totals, the grand total,
the quarters), so they are protected together: one set of lines for ``protect``, so that no hidden count can be
recomputed from another view. No description, no date, no row of one fact is ever in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Hashable

from sqlalchemy import extract, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.dossiers.services import today as local_today
from app.models import Entity, MeasureState, PreventionMeasure, ReportSnapshot, ThirdPartyFact, User
from app.register import choices
from app.reports.periods import is_published, published_on
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
    published_on: date  # the day the report appeared, frozen since (or will appear)
    published: bool = True


SNAPSHOT_KIND = "register"


def report_for(session: Session, entity: Entity, year: int, k: int, today: date | None = None) -> RegisterReport:
    """The entity's published report of ``year``, every count from 1 to k-1 hidden, and what would give one away:
    the frozen copy, made now if this is its first request. A year not yet published counts nothing."""
    if not is_published(year, today or local_today()):
        return _build(entity, year, k, _content(_unpublished_values(), _unpublished_measures()), published=False)
    key = (SNAPSHOT_KIND, entity.id, year, k)
    snapshot = session.get(ReportSnapshot, key)
    if snapshot is None:
        snapshot = _freeze(session, key, _made(session, entity.id, year, k))
    return _build(entity, year, k, snapshot.content)


def _freeze(session: Session, key: tuple, content: dict[str, Any]) -> ReportSnapshot:
    """Store the report's first making. Two first requests at once: the second's insert fails on the primary key,
    inside its savepoint, and it serves the one stored."""
    kind, scope, year, k = key
    try:
        with session.begin_nested():
            snapshot = ReportSnapshot(kind=kind, scope=scope, year=year, k=k, content=content)
            session.add(snapshot)
        return snapshot
    except IntegrityError:
        return session.scalars(select(ReportSnapshot).where(
            ReportSnapshot.kind == kind, ReportSnapshot.scope == scope, ReportSnapshot.year == year,
            ReportSnapshot.k == k).execution_options(populate_existing=True)).one()


def _made(session: Session, entity_id: int, year: int, k: int) -> dict[str, Any]:
    """The report from the facts as they are now, suppressed: only the shown counts go into the snapshot."""
    facts = session.execute(select(ThirdPartyFact.kind, ThirdPartyFact.context, ThirdPartyFact.third_party,
                                   extract("month", ThirdPartyFact.occurred_on))
                            .where(ThirdPartyFact.entity_id == entity_id,
                                   extract("year", ThirdPartyFact.occurred_on) == year)).all()
    values = _values(facts)
    hidden = tuple(values) if 0 < values[TOTAL] < k else ()  # no fact: zeros point at nobody
    suppressed = protect(values, _lines(), k, hidden)
    shown = {key: None if key in suppressed else value for key, value in values.items()}
    return _content(shown, suppress_counts(_measure_counts(session, entity_id, year), k))


def _unpublished_values() -> dict[Hashable, int | None]:
    return dict.fromkeys(_values([]), 0)


def _unpublished_measures() -> tuple[dict[str, Cell], Cell]:
    return {state.value: Cell(0, False) for state in MeasureState}, Cell(0, False)


def _content(shown: dict[Hashable, int | None], measures: tuple[dict[str, Cell], Cell]) -> dict[str, Any]:
    """The snapshot's JSON: each shown count under its key joined by "/", None where hidden; the lists' values in
    their order then, so that a later change of a list leaves the published report as it was."""
    counts, total = measures
    return {"cells": {"/".join(map(str, key)): value for key, value in shown.items()},
            "kinds": list(choices.KINDS), "contexts": list(choices.CONTEXTS),
            "third_parties": list(choices.THIRD_PARTIES),
            "measures": {state: cell.value for state, cell in counts.items()}, "measures_total": total.value}


def _build(entity: Entity, year: int, k: int, content: dict[str, Any], published: bool = True) -> RegisterReport:
    cells = content["cells"]

    def cell(key: Hashable) -> Cell:
        value = cells.get("/".join(map(str, key)))
        return Cell(None, True) if value is None else Cell(value, False)

    def shown(value: int | None) -> Cell:
        return Cell(None, True) if value is None else Cell(value, False)

    kinds = content["kinds"]
    return RegisterReport(
        entity=entity, year=year, k=k, kinds=[(kind, choices.label(choices.KINDS, kind)) for kind in kinds],
        total=cell(TOTAL), quarters={quarter: cell(("quarter", quarter)) for quarter in QUARTERS},
        by_context=_table("context", kinds, content["contexts"], choices.CONTEXTS, cell),
        by_third_party=_table("third_party", kinds, content["third_parties"], choices.THIRD_PARTIES, cell),
        measures={state: shown(value) for state, value in content["measures"].items()},
        measures_total=shown(content["measures_total"]), published_on=published_on(year), published=published)


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


def _table(dimension: str, kinds: list[str], columns: list[str], words: dict, cell) -> Table:
    return Table(columns=[(column, choices.label(words, column)) for column in columns],
                 cells={(kind, column): cell((dimension, kind, column)) for kind in kinds for column in columns},
                 row_totals={kind: cell(("kind", kind)) for kind in kinds},
                 column_totals={column: cell((dimension, column)) for column in columns})


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


def last_published_year(today: date) -> int:
    return today.year - 1 if is_published(today.year - 1, today) else today.year - 2


def years_for(session: Session, entity_id: int, today: date) -> list[int]:
    """The years the report offers, newest first: the published ones, i.e. the last published year and every
    published year with a fact."""
    last = last_published_year(today)
    years = session.scalars(select(extract("year", ThirdPartyFact.occurred_on)).distinct()
                            .where(ThirdPartyFact.entity_id == entity_id))
    return sorted({last, *(int(year) for year in years if int(year) <= last)}, reverse=True)


def year_to_show(years: list[int], asked: int | None, today: date) -> int:
    """The year asked for when it is offered or not yet published (its page says when it appears); else the newest
    offered (a published year without facts, as before)."""
    if asked is not None and (asked in years or not is_published(asked, today)):
        return asked
    return years[0]


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
