"""The reports (R7): per year (and its ended quarters), for the network and per entity, every count suppressed.

One year is suppressed as one whole: every dimension's table (values x entities), in the year and in each quarter,
sharing the same margins (dossiers per entity, dossiers in the network). Publishing the margins differently in two
tables, or an entity's column differently on the entity's page than on the network's, would let a reader combine
them; suppressing all together, each page then shows a slice of the one result. An entity with fewer than K
dossiers in the year has no column of its own: it counts in "other entities".

Cache: the suppressed result per (year, K, cutoff), in this process, valid while the dossiers' data version (counts,
highest ids, last update) is unchanged. Only suppressed results are kept; the raw counts are dropped."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Entity
from app.reports import counts
from app.reports.dimensions import DIMENSIONS, Dimension
from app.reports.periods import ended_quarters, reporting_cutoff
from app.reports.suppression import TOTAL, Cell, Line, protect

OTHER = "__other__"  # the column of the entities with fewer than K dossiers in the year
YEAR = "Y"
SHARED = "*"  # the margins every dimension shares: dossiers per entity, in the network


class ReportUnavailable(Exception):
    """No report for this period or entity (no data, or too few dossiers)."""


@dataclass(frozen=True)
class OneWay:
    """One dimension of one report: a count per value and the number of dossiers, suppressed."""
    dimension: Dimension
    cells: dict[str, Cell]
    total: Cell


@dataclass(frozen=True)
class YearResult:
    year: int
    k: int
    quarters: tuple[int, ...]
    columns: tuple[str, ...]  # entity codes with a column of their own, then OTHER when some are grouped
    grouped: frozenset[str]
    entries: dict = field(repr=False)  # key -> Cell, for every dimension, period, value and column

    def cell(self, dimension: str, period, row: str, column: str) -> Cell:
        return self.entries[(dimension, period, row, column)]

    def dossiers(self, period, column: str = TOTAL) -> Cell:
        return self.entries[(SHARED, period, TOTAL, column)]

    def one_way(self, dimension: Dimension, period, column: str = TOTAL) -> OneWay:
        return OneWay(dimension, {row: self.cell(dimension.key, period, row, column) for row in dimension.rows},
                      self.dossiers(period, column))


_cache: dict[tuple, tuple[tuple, YearResult]] = {}
_cache_lock = threading.Lock()


def year_result(session: Session, year: int, k: int, today: date) -> YearResult:
    """The suppressed report of ``year`` (cached while the data is unchanged)."""
    cutoff = reporting_cutoff(today)
    key, version = (year, k, cutoff), counts.data_version(session)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    result = _compute(session, year, k, today, cutoff)
    with _cache_lock:
        _cache[key] = (version, result)
    return result


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _compute(session: Session, year: int, k: int, today: date, cutoff: date) -> YearResult:
    quarters = ended_quarters(year, today)
    if year not in counts.years_with_data(session, cutoff) or not quarters:
        raise ReportUnavailable(year)
    cells, dossiers = counts.year_counts(session, year, cutoff)
    codes = {entity_id: code for entity_id, code in session.execute(select(Entity.id, Entity.code))}
    per_entity = {entity_id: 0 for entity_id in codes}
    for (_quarter, entity_id), count in dossiers.items():
        per_entity[entity_id] += count
    alone = sorted(codes[entity_id] for entity_id, count in per_entity.items() if count >= k)
    grouped = frozenset(codes[entity_id] for entity_id, count in per_entity.items() if 0 < count < k)
    columns = tuple(alone) + ((OTHER,) if grouped else ())
    column_of = {entity_id: (code if code in alone else OTHER) for entity_id, code in codes.items()}
    values = _values(cells, dossiers, column_of, columns, quarters)
    suppressed = protect(values, _lines(columns, quarters), k, _empty_periods(values, columns, quarters, k))
    entries = {key: Cell(None, True) if key in suppressed else Cell(value, False) for key, value in values.items()}
    return YearResult(year, k, quarters, columns, grouped, entries)


def _periods(quarters: tuple[int, ...]) -> tuple:
    return (YEAR, *quarters)


def _values(cells, dossiers, column_of: dict, columns: tuple[str, ...], quarters: tuple[int, ...]) -> dict:
    """Every entry of the year: cells, row totals (per dimension), the shared margins; the year sums its quarters."""
    values: dict = {}
    for period in _periods(quarters):
        for column in (*columns, TOTAL):
            values[(SHARED, period, TOTAL, column)] = 0
        for dimension in DIMENSIONS:
            for row in dimension.rows:
                for column in (*columns, TOTAL):
                    values[(dimension.key, period, row, column)] = 0
    for (quarter, entity_id), count in dossiers.items():
        for period in (YEAR, quarter):
            for column in (column_of[entity_id], TOTAL):
                values[(SHARED, period, TOTAL, column)] += count
    for (dimension, quarter, row, entity_id), count in cells.items():
        for period in (YEAR, quarter):
            for column in (column_of[entity_id], TOTAL):
                key = (dimension, period, row, column)
                if key in values:  # a value no longer offered (an old form) is left out, not shown as another
                    values[key] += count
    return values


def _lines(columns: tuple[str, ...], quarters: tuple[int, ...]) -> list[Line]:
    lines: list[Line] = []
    for period in _periods(quarters):
        lines.append(Line(tuple((SHARED, period, TOTAL, column) for column in columns), (SHARED, period, TOTAL, TOTAL)))
        for dimension in DIMENSIONS:
            for row in dimension.rows:
                lines.append(Line(tuple((dimension.key, period, row, column) for column in columns),
                                  (dimension.key, period, row, TOTAL)))
            for column in (*columns, TOTAL):
                lines.append(Line(tuple((dimension.key, period, row, column) for row in dimension.rows),
                                  (SHARED, period, TOTAL, column)))
    if len(quarters) > 1:
        keys = [(SHARED, TOTAL, column) for column in (*columns, TOTAL)]
        keys += [(dimension.key, row, column) for dimension in DIMENSIONS for row in dimension.rows
                 for column in (*columns, TOTAL)]
        lines += [Line(tuple((name, quarter, row, column) for quarter in quarters), (name, YEAR, row, column))
                  for name, row, column in keys]
    return lines


def _empty_periods(values: dict, columns, quarters, k: int) -> list:
    """A period with fewer than K dossiers in the whole network is hidden entirely."""
    small = {period for period in _periods(quarters) if values[(SHARED, period, TOTAL, TOTAL)] < k}
    return [key for key in values if key[1] in small]


def quarter_tables_shown(result: YearResult) -> bool:
    """Quarters are offered only when the year has more than one ended quarter (with one, the quarter is the year)."""
    return len(result.quarters) > 1


def entity_column(result: YearResult, code: str) -> str:
    """The column of an entity in the year; ReportUnavailable when it has none of its own."""
    if code not in result.columns or code == OTHER:
        raise ReportUnavailable(code)
    return code


def available_years(session: Session, today: date) -> list[int]:
    cutoff = reporting_cutoff(today)
    return [year for year in counts.years_with_data(session, cutoff) if ended_quarters(year, today)]
