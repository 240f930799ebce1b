"""Small-cell suppression of published counts (R7): no report lets anyone point at fewer than K people.

Primary suppression hides every count from 1 to K-1. Secondary suppression then works on *lines*: a line is a set of
cells and the total they belong to (a row and its row total, a column and its column total, the margins and the grand
total, and — for a year shown with its quarters — one cell over the four quarters with the year's cell as total).
In every line, counting its total as part of the line:
  * never exactly one hidden entry (it would be the total minus the shown cells);
  * when the total is shown, the hidden cells of the line sum to 0 or to K or more (their sum is derivable, so it
    must not point at fewer than K people).
The smallest shown cells are hidden until every line holds, iterating to a fixpoint. A grand total below K hides
the whole table. Zeros are shown as 0 (nobody is pointed at); a hidden cell is never shown as 0.

Multi-valued dimensions (a dossier has several themes): the caller passes the real totals (numbers of dossiers), so
a total is not the sum of its cells; the same line rules are applied, which is conservative there.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_MIN_CELL = 5
LOWEST_MIN_CELL = 3
TOTAL = "__total__"


def min_cell(config: Mapping) -> int:
    """K from the configuration (REPORT_MIN_CELL, default 5); a value below 3 is raised to 3."""
    try:
        configured = int(config.get("REPORT_MIN_CELL", DEFAULT_MIN_CELL))
    except (TypeError, ValueError):
        configured = DEFAULT_MIN_CELL
    return max(LOWEST_MIN_CELL, configured)


@dataclass(frozen=True)
class Cell:
    value: int | None  # None when suppressed
    suppressed: bool

    def display(self, k: int) -> str:
        return f"< {k}" if self.suppressed else str(self.value)


@dataclass(frozen=True)
class SuppressedTable:
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: dict[tuple[str, str], Cell]
    row_totals: dict[str, Cell]
    column_totals: dict[str, Cell]
    total: Cell


@dataclass(frozen=True)
class Line:
    cells: tuple[Hashable, ...]
    total: Hashable


def protect(values: Mapping[Hashable, int], lines: Iterable[Line], k: int,
            hidden: Iterable[Hashable] = ()) -> set[Hashable]:
    """The keys to hide: primary (1..k-1, plus ``hidden``) and secondary until every line holds."""
    lines = tuple(lines)
    suppressed = {key for key, value in values.items() if 1 <= value < k} | set(hidden)
    while True:
        _hold_every_line(lines, values, suppressed, k)
        determined = derivable(lines, values, suppressed)
        if not determined:
            return suppressed
        if not _hide_beside(determined, lines, values, suppressed):
            return suppressed  # nothing left to hide: only possible when the whole table is hidden


def _hold_every_line(lines: Sequence[Line], values: Mapping, suppressed: set, k: int) -> None:
    changed = True
    while changed:
        changed = False
        for line in lines:
            extra = _secondary_for(line, values, suppressed, k)
            if extra is not None:
                suppressed.add(extra)
                changed = True


def _hide_beside(determined: set, lines: Sequence[Line], values: Mapping, suppressed: set) -> bool:
    """Hide the smallest shown cell of a line through a derivable hidden cell (the line rules alone miss a hidden
    cell that bridges two groups of hidden cells: sums of whole lines then isolate it)."""
    for line in lines:
        if determined & ({line.total} | set(line.cells)):
            extra = _smallest_shown(line, values, suppressed)
            if extra is not None and extra not in suppressed:
                suppressed.add(extra)
                return True
    return False


_PRIME = (1 << 61) - 1


def derivable(lines: Iterable[Line], values: Mapping, suppressed: set) -> set:
    """The hidden entries whose value follows from the shown ones by the lines' equations (cells sum to the total).

    Linear algebra over a large prime field: an unknown is determined exactly when the reduced row echelon form of
    the equations has a row with that unknown alone. Treating a multi-valued line as an equation too gives the
    reader more than they have, so the check errs on the safe side."""
    pivots: dict[Hashable, dict] = {}
    for line in lines:
        row = _unknowns_of(line, suppressed)
        for pivot, basis in pivots.items():
            if pivot in row:
                _subtract(row, basis, row[pivot])
        if not row:
            continue
        pivot = next(iter(row))
        _scale(row, pow(row[pivot], -1, _PRIME))
        for other in pivots.values():
            if pivot in other:
                _subtract(other, row, other[pivot])
        pivots[pivot] = row
    return {pivot for pivot, row in pivots.items() if len(row) == 1}


def _unknowns_of(line: Line, suppressed: set) -> dict:
    row = {key: 1 for key in line.cells if key in suppressed}
    if line.total in suppressed:
        row[line.total] = _PRIME - 1
    return row


def _subtract(row: dict, basis: dict, factor: int) -> None:
    for key, coefficient in basis.items():
        value = (row.get(key, 0) - factor * coefficient) % _PRIME
        if value:
            row[key] = value
        else:
            row.pop(key, None)


def _scale(row: dict, factor: int) -> None:
    for key in row:
        row[key] = row[key] * factor % _PRIME


def _secondary_for(line: Line, values: Mapping[Hashable, int], suppressed: set, k: int) -> Hashable | None:
    """The next entry this line must hide, or None when it already holds."""
    hidden_cells = [key for key in line.cells if key in suppressed]
    hidden_count = len(hidden_cells) + (line.total in suppressed)
    if hidden_count == 0:
        return None
    hidden_sum = sum(values[key] for key in hidden_cells)
    too_small = line.total not in suppressed and 0 < hidden_sum < k
    if hidden_count != 1 and not too_small:
        return None
    return _smallest_shown(line, values, suppressed)


def _smallest_shown(line: Line, values: Mapping[Hashable, int], suppressed: set) -> Hashable | None:
    """The smallest shown non-zero cell; else the total; else a shown zero (only when nothing else is left)."""
    shown = [key for key in line.cells if key not in suppressed]
    nonzero = [key for key in shown if values[key] > 0]
    if nonzero:
        return min(nonzero, key=lambda key: values[key])
    if line.total not in suppressed:
        return line.total
    return shown[0] if shown else None


def table_lines(period: Hashable, rows: Sequence[str], columns: Sequence[str]) -> list[Line]:
    """The lines of one two-way table keyed (period, row, column), TOTAL marking the margins."""
    lines = [Line(tuple((period, row, column) for column in columns), (period, row, TOTAL))
             for row in (*rows, TOTAL)]
    lines += [Line(tuple((period, row, column) for row in rows), (period, TOTAL, column))
              for column in (*columns, TOTAL)]
    return lines


def table_values(period: Hashable, counts: Mapping[tuple[str, str], int], rows: Sequence[str],
                 columns: Sequence[str], row_totals: Mapping[str, int] | None = None,
                 column_totals: Mapping[str, int] | None = None, total: int | None = None) -> dict:
    """Every cell and margin of one table keyed (period, row, column); totals default to the sums."""
    values = {(period, row, column): int(counts.get((row, column), 0)) for row in rows for column in columns}
    for row in rows:
        values[(period, row, TOTAL)] = (int(row_totals[row]) if row_totals is not None
                                        else sum(values[(period, row, column)] for column in columns))
    for column in columns:
        values[(period, TOTAL, column)] = (int(column_totals[column]) if column_totals is not None
                                           else sum(values[(period, row, column)] for row in rows))
    values[(period, TOTAL, TOTAL)] = (int(total) if total is not None
                                      else sum(values[(period, row, TOTAL)] for row in rows))
    return values


def whole_table(period: Hashable, rows: Sequence[str], columns: Sequence[str]) -> list[tuple]:
    return [(period, row, column) for row in (*rows, TOTAL) for column in (*columns, TOTAL)]


def build_table(period: Hashable, values: Mapping, suppressed: set, rows: Sequence[str],
                columns: Sequence[str]) -> SuppressedTable:
    def cell(row: str, column: str) -> Cell:
        key = (period, row, column)
        return Cell(None, True) if key in suppressed else Cell(values[key], False)

    return SuppressedTable(
        rows=tuple(rows), columns=tuple(columns),
        cells={(row, column): cell(row, column) for row in rows for column in columns},
        row_totals={row: cell(row, TOTAL) for row in rows},
        column_totals={column: cell(TOTAL, column) for column in columns},
        total=cell(TOTAL, TOTAL))


def suppress_table(counts: Mapping[tuple[str, str], int], rows: Sequence[str], columns: Sequence[str], k: int,
                   row_totals: Mapping[str, int] | None = None, column_totals: Mapping[str, int] | None = None,
                   total: int | None = None) -> SuppressedTable:
    """One two-way table with its margins, suppressed. Pass the totals when a dimension is multi-valued."""
    values = table_values(None, counts, rows, columns, row_totals, column_totals, total)
    hidden = whole_table(None, rows, columns) if values[(None, TOTAL, TOTAL)] < k else ()
    suppressed = protect(values, table_lines(None, rows, columns), k, hidden)
    return build_table(None, values, suppressed, rows, columns)


def suppress_counts(counts: Mapping[str, int], k: int, total: int | None = None) -> tuple[dict[str, Cell], Cell]:
    """A one-way table and its total, suppressed (pass the total when the dimension is multi-valued)."""
    values = {label: int(count) for label, count in counts.items()}
    values[TOTAL] = int(total) if total is not None else sum(values.values())
    hidden = tuple(values) if values[TOTAL] < k else ()
    suppressed = protect(values, [Line(tuple(counts), TOTAL)], k, hidden)

    def cell(key: str) -> Cell:
        return Cell(None, True) if key in suppressed else Cell(values[key], False)

    return {label: cell(label) for label in counts}, cell(TOTAL)


@dataclass(frozen=True)
class TableCounts:
    """The raw counts of one period's table; totals None mean: the sums of the cells."""
    counts: Mapping[tuple[str, str], int]
    row_totals: Mapping[str, int] | None = None
    column_totals: Mapping[str, int] | None = None
    total: int | None = None


def suppress_year_and_quarters(year: TableCounts, quarters: Mapping[int, TableCounts], rows: Sequence[str],
                               columns: Sequence[str], k: int) -> tuple[SuppressedTable, dict[int, SuppressedTable]]:
    """A year's table and its quarters' tables, suppressed together.

    Every cell of the year is the sum of the same cell in its quarters, so each cell (and margin) over the four
    quarters is one more line with the year's value as its total: the year minus the shown quarters never isolates a
    hidden quarter cell, and a quarter never reveals what the year hid. The year's table published alone must be
    this same joint result, else the two pages could be combined; callers always suppress through here."""
    values: dict = {}
    lines: list[Line] = []
    hidden: list = []
    for period, table in (("Y", year), *((quarter, quarters[quarter]) for quarter in sorted(quarters))):
        values.update(table_values(period, table.counts, rows, columns, table.row_totals, table.column_totals,
                                   table.total))
        lines += table_lines(period, rows, columns)
        if values[(period, TOTAL, TOTAL)] < k:
            hidden += whole_table(period, rows, columns)
    if quarters:
        lines += [Line(tuple((quarter, row, column) for quarter in sorted(quarters)), ("Y", row, column))
                  for row in (*rows, TOTAL) for column in (*columns, TOTAL)]
    suppressed = protect(values, lines, k, hidden)
    return (build_table("Y", values, suppressed, rows, columns),
            {quarter: build_table(quarter, values, suppressed, rows, columns) for quarter in quarters})
