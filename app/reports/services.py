"""The reports (R7): per year (and its ended quarters), for the network and per entity, every count suppressed.

One year is suppressed as one whole: every dimension's table (values x entities), in the year and in each quarter,
sharing the same margins (dossiers per entity, dossiers in the network). Publishing the margins differently in two
tables, or an entity's column differently on the entity's page than on the network's, would let a reader combine
them; suppressing all together, each page then shows a slice of the one result. An entity with fewer than K
dossiers in the year has no column of its own: it counts in "other entities".

Publication: a year is reported once it has ended and a month has passed for late registrations
(periods.published_on); its suppressed result is then made once, stored (ReportSnapshot, kind "dossiers") and
served unchanged ever after. A report that followed every registration could be subtracted from an earlier copy of
itself (the year so far in April from the year so far in July, or a year before and after one late dossier) to
isolate the dossiers in between; a published figure never changes, so no two copies differ. The store holds only the
suppressed output. Each process keeps the snapshots it read, checked against the stored one's moment on every
request (one primary-key read), so nothing stale outlives a snapshot removed by hand; nothing is kept in Redis."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import now
from app.models import Entity, ReportSnapshot
from app.reports import counts
from app.reports.dimensions import DIMENSIONS, Dimension
from app.reports.periods import QUARTERS, is_published
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
    """A year's suppressed counts. ``values`` holds raw counts, but only ever read through ``cell``, which gives
    None for every hidden one; nothing raw leaves this object."""
    year: int
    k: int
    quarters: tuple[int, ...]
    columns: tuple[str, ...]  # entity codes with a column of their own, then OTHER when some are grouped
    grouped: frozenset[str]
    values: dict = field(repr=False)
    suppressed: frozenset = field(repr=False)

    def cell(self, dimension: str, period, row: str, column: str) -> Cell:
        key = (dimension, period, row, column)
        return Cell(None, True) if key in self.suppressed else Cell(self.values[key], False)

    @property
    def entries(self) -> dict:
        """Every count as a Cell (for checks and tests)."""
        return {key: self.cell(*key) for key in self.values}

    def dossiers(self, period, column: str = TOTAL) -> Cell:
        return self.cell(SHARED, period, TOTAL, column)

    def one_way(self, dimension: Dimension, period, column: str = TOTAL) -> OneWay:
        return OneWay(dimension, {row: self.cell(dimension.key, period, row, column) for row in dimension.rows},
                      self.dossiers(period, column))


_cache: dict[tuple[int, int], tuple[datetime, YearResult]] = {}
_cache_lock = threading.Lock()
KIND = "dossiers"
NETWORK = 0


def year_result(session: Session, year: int, k: int, today: date, versions: dict | None = None) -> YearResult:
    """The published, suppressed report of ``year``: ReportUnavailable before its publication date or without data.
    ``versions``: the years with data when the caller already has them (a page with the trend asks for every year)."""
    if not is_published(year, today):
        raise ReportUnavailable(year)
    stored = session.scalar(select(ReportSnapshot.made_at).where(*_snapshot_key(year, k)))
    with _cache_lock:
        cached = _cache.get((year, k))
    if stored is not None and cached is not None and cached[0] == stored:
        return cached[1]
    if stored is not None:
        made_at, result = _load(session, year, k)
    else:
        versions = counts.year_versions(session) if versions is None else versions
        if year not in versions:
            raise ReportUnavailable(year)
        made_at, result = _publish(session, year, k)
    with _cache_lock:
        _cache[(year, k)] = (made_at, result)
    return result


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _snapshot_key(year: int, k: int) -> tuple:
    return (ReportSnapshot.kind == KIND, ReportSnapshot.scope == NETWORK, ReportSnapshot.year == year,
            ReportSnapshot.k == k)


def _publish(session: Session, year: int, k: int) -> tuple[datetime, YearResult]:
    """Make the year's report and store it; when another request stored it first, theirs is the published one."""
    result = _compute(session, year, k)
    snapshot = ReportSnapshot(kind=KIND, scope=NETWORK, year=year, k=k, content=_content(result), made_at=now())
    try:
        with session.begin_nested():
            session.add(snapshot)
    except IntegrityError:
        return _load(session, year, k)
    session.commit()
    return snapshot.made_at, result


def _content(result: YearResult) -> dict:
    """The suppressed output only: shown counts with their values, hidden ones without."""
    shown, hidden = [], []
    for key in result.values:
        cell = result.cell(*key)
        (hidden.append(list(key)) if cell.suppressed else shown.append([*key, cell.value]))
    return {"quarters": list(result.quarters), "columns": list(result.columns), "grouped": sorted(result.grouped),
            "shown": shown, "hidden": hidden}


def _load(session: Session, year: int, k: int) -> tuple[datetime, YearResult]:
    snapshot = session.scalars(select(ReportSnapshot).where(*_snapshot_key(year, k))).one()
    content = snapshot.content
    values = {tuple(entry[:4]): entry[4] for entry in content["shown"]}
    hidden = [tuple(entry) for entry in content["hidden"]]
    values.update({key: 0 for key in hidden})  # never read: ``cell`` answers None for a hidden key
    result = YearResult(year, k, tuple(content["quarters"]), tuple(content["columns"]), frozenset(content["grouped"]),
                        values, frozenset(hidden))
    return snapshot.made_at, result


def _compute(session: Session, year: int, k: int) -> YearResult:
    quarters = QUARTERS
    cells, dossiers = counts.year_counts(session, year, date(year + 1, 1, 1))
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
    return YearResult(year, k, quarters, columns, grouped, values, frozenset(suppressed))


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
    """A published year shows its four quarters."""
    return len(result.quarters) > 1


def entity_column(result: YearResult, code: str) -> str:
    """The column of an entity in the year; ReportUnavailable when it has none of its own."""
    if code not in result.columns or code == OTHER:
        raise ReportUnavailable(code)
    return code


def available_years(today: date, versions: dict[int, tuple]) -> list[int]:
    """The published years with dossiers, newest first."""
    return sorted((year for year, version in versions.items() if version[0] and is_published(year, today)),
                  reverse=True)
