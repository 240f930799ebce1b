"""One report as pages, exports and the API show it: already-suppressed numbers only, in sections. Every output
(HTML, chart, CSV, PDF, JSON) is written from this one object, so they cannot disagree."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.reports import services
from app.reports.dimensions import DIMENSIONS
from app.reports.selection import Selection
from app.reports.services import OTHER, ReportUnavailable
from app.reports.suppression import TOTAL, Cell


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cell: Cell


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: tuple[Row, ...]
    total: Cell
    multi_valued: bool

    @property
    def hidden(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.cell.suppressed)

    @property
    def charted(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if not row.cell.suppressed)


@dataclass(frozen=True)
class Report:
    selection: Selection
    k: int
    dossiers: Cell
    sections: tuple[Section, ...]  # empty when the entity has no report of its own
    per_entity: Section | None  # the network's dossiers per entity
    trend: Section

    @property
    def title(self) -> str:
        return scope_name(self.selection)

    @property
    def query(self) -> dict:
        """The URL parameters of this report (for its exports)."""
        chosen = self.selection
        return {"year": chosen.year, **({"quarter": chosen.quarter} if chosen.quarter else {}),
                **({"entity": chosen.entity.code} if chosen.entity else {})}


def scope_name(selection: Selection) -> str:
    return selection.entity.name if selection.entity else str(_l("Het netwerk"))


def period_name(selection: Selection) -> str:
    if selection.quarter is None:
        return str(selection.year)
    return str(_l("kwartaal %(quarter)s van %(year)s", quarter=selection.quarter, year=selection.year))


def build(session: Session, selection: Selection, today, entity_names: dict[str, str]) -> Report:
    result, period = selection.result, selection.period
    k = result.k
    column = selection.entity.code if selection.entity else TOTAL
    trend = _trend(session, selection, today)
    if not selection.own_column:
        return Report(selection, k, Cell(None, True), (), None, trend)
    sections = tuple(
        Section(dimension.key, str(dimension.title),
                tuple(Row(str(value), str(label), result.cell(dimension.key, period, value, column))
                      for value, label in dimension.values),
                result.dossiers(period, column), dimension.multi_valued)
        for dimension in DIMENSIONS)
    per_entity = None
    if selection.entity is None:
        per_entity = Section("entities", str(_l("Dossiers per entiteit")), tuple(
            Row(code, _entity_label(code, result, entity_names), result.dossiers(period, code))
            for code in result.columns), result.dossiers(period), False)
    return Report(selection, k, result.dossiers(period, column), sections, per_entity, trend)


def _entity_label(code: str, result, names: dict[str, str]) -> str:
    if code == OTHER:
        return str(_l("Andere entiteiten (%(count)s, elk met minder dan %(k)s dossiers)", count=len(result.grouped),
                      k=result.k))
    return names.get(code, code)


def _trend(session: Session, selection: Selection, today) -> Section:
    """The number of dossiers per year, oldest first, each year's figure from that year's own suppressed report."""
    rows, versions = [], selection.versions
    for year in sorted(selection.years):
        try:
            result = services.year_result(session, year, selection.result.k, today, versions)
        except ReportUnavailable:
            continue
        column = selection.entity.code if selection.entity else TOTAL
        cell = (result.dossiers(services.YEAR, column) if column == TOTAL or column in result.columns
                else Cell(None, True))
        rows.append(Row(str(year), str(year), cell))
    return Section("trend", str(_l("Dossiers per jaar")), tuple(rows), Cell(None, True), False)
