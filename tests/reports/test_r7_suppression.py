"""R7 small-cell suppression: no published count from 1 to K-1, and no hidden count recomputable from what is shown
(row, column and grand totals, or a year minus its other quarters). Property-based with hypothesis."""
from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.reports.suppression import (TableCounts, min_cell, suppress_counts, suppress_table,
                                     suppress_year_and_quarters)

K = 5
small_counts = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20])


def _reduced(matrix: list[list[Fraction]]) -> list[list[Fraction]]:
    """Reduced row echelon form (exact fractions)."""
    rows = [row[:] for row in matrix]
    rank = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((index for index in range(rank, len(rows)) if rows[index][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        rows[rank] = [value / rows[rank][column] for value in rows[rank]]
        for index in range(len(rows)):
            if index != rank and rows[index][column] != 0:
                factor = rows[index][column]
                rows[index] = [a - factor * b for a, b in zip(rows[index], rows[rank])]
        rank += 1
    return rows[:rank]


def _determined(equations: list[dict], hidden: list) -> list:
    """Independent check: the hidden unknowns a reader can solve for from the published equations (a unit row of
    the reduced echelon form; unit vectors in the row space are exactly those)."""
    matrix = [[Fraction(equation.get(key, 0)) for key in hidden] for equation in equations]
    return [hidden[row.index(1)] for row in _reduced(matrix) if sum(value != 0 for value in row) == 1]


def _table_entries(table, prefix=()):
    entries = {(*prefix, row, column): cell for (row, column), cell in table.cells.items()}
    entries.update({(*prefix, row, "T"): cell for row, cell in table.row_totals.items()})
    entries.update({(*prefix, "T", column): cell for column, cell in table.column_totals.items()})
    entries[(*prefix, "T", "T")] = table.total
    return entries


def _table_equations(table, prefix=()):
    """Each line's equation over its hidden entries (cells minus total)."""
    entries = _table_entries(table, prefix)
    lines = [([(*prefix, row, column) for column in table.columns], (*prefix, row, "T")) for row in (*table.rows, "T")]
    lines += [([(*prefix, row, column) for row in table.rows], (*prefix, "T", column))
              for column in (*table.columns, "T")]
    return entries, lines


def _equations(entries, lines):
    return [{**{key: 1 for key in cells if entries[key].suppressed},
             **({total: -1} if entries[total].suppressed else {})} for cells, total in lines]


def _assert_published_safe(entries, lines, true_values, k):
    for key, cell in entries.items():
        assert not cell.suppressed or cell.value is None
        if not cell.suppressed:
            assert not 1 <= cell.value < k, key
    for cells, total in lines:
        hidden = [key for key in (*cells, total) if entries[key].suppressed]
        assert len(hidden) != 1, (cells, total)
        if not entries[total].suppressed:
            hidden_sum = sum(true_values[key] for key in cells if entries[key].suppressed)
            assert hidden_sum == 0 or hidden_sum >= k
    hidden = [key for key, cell in entries.items() if cell.suppressed]
    assert _determined(_equations(entries, lines), hidden) == []


def _true_values(counts, rows, columns, prefix=()):
    values = {(*prefix, row, column): counts.get((row, column), 0) for row in rows for column in columns}
    for row in rows:
        values[(*prefix, row, "T")] = sum(counts.get((row, column), 0) for column in columns)
    for column in columns:
        values[(*prefix, "T", column)] = sum(counts.get((row, column), 0) for row in rows)
    values[(*prefix, "T", "T")] = sum(counts.values())
    return values


@st.composite
def tables(draw, max_rows=4, max_columns=4):
    rows = [f"r{index}" for index in range(draw(st.integers(1, max_rows)))]
    columns = [f"c{index}" for index in range(draw(st.integers(1, max_columns)))]
    counts = {(row, column): draw(small_counts) for row in rows for column in columns}
    return rows, columns, counts


@settings(max_examples=200, deadline=None)
@given(tables())
def test_r7_no_small_count_published_and_no_hidden_count_derivable(table_spec):
    rows, columns, counts = table_spec
    table = suppress_table(counts, rows, columns, K)
    entries, lines = _table_equations(table)
    true_values = _true_values(counts, rows, columns)
    if true_values[("T", "T")] < K:
        assert all(cell.suppressed for cell in entries.values())
        return
    _assert_published_safe(entries, lines, true_values, K)
    for key, cell in entries.items():
        assert cell.suppressed or cell.value == true_values[key]


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_r7_year_minus_other_quarters_never_isolates_a_hidden_cell(data):
    rows, columns, _ = data.draw(tables(max_rows=3, max_columns=3))
    quarter_counts = {quarter: {(row, column): data.draw(small_counts) for row in rows for column in columns}
                      for quarter in (1, 2, 3, 4)}
    year_counts = {key: sum(counts[key] for counts in quarter_counts.values()) for key in quarter_counts[1]}
    year, quarters = suppress_year_and_quarters(
        TableCounts(year_counts), {quarter: TableCounts(counts) for quarter, counts in quarter_counts.items()},
        rows, columns, K)
    entries, lines = _table_equations(year, ("Y",))
    true_values = _true_values(year_counts, rows, columns, ("Y",))
    for quarter, table in quarters.items():
        quarter_entries, quarter_lines = _table_equations(table, (quarter,))
        entries.update(quarter_entries)
        lines += quarter_lines
        true_values.update(_true_values(quarter_counts[quarter], rows, columns, (quarter,)))
    lines += [([(quarter, row, column) for quarter in (1, 2, 3, 4)], ("Y", row, column))
              for row in (*rows, "T") for column in (*columns, "T")]
    shown = {key: cell for key, cell in entries.items()}
    for key, cell in shown.items():
        if not cell.suppressed:
            assert not 1 <= cell.value < K and cell.value == true_values[key]
    hidden = [key for key, cell in entries.items() if cell.suppressed]
    assert _determined(_equations(entries, lines), hidden) == []


def test_r7_hidden_cells_show_as_less_than_k_and_zeros_as_zero():
    cells, total = suppress_counts({"a": 3, "b": 7, "c": 0, "d": 12}, K)
    assert cells["a"].display(K) == "< 5" and cells["a"].value is None
    assert cells["b"].suppressed  # secondary: 22 - 12 - 0 would reveal the 3
    assert cells["c"] == cells["c"].__class__(0, False) and cells["d"].value == 12 and total.value == 22


def test_r7_a_total_below_k_hides_the_whole_table():
    table = suppress_table({("a", "x"): 2, ("a", "y"): 0}, ["a"], ["x", "y"], K)
    assert table.total.suppressed and all(cell.suppressed for cell in table.cells.values())


def test_r7_multi_valued_rows_keep_the_real_totals():
    # Two themes over 10 dossiers: cells sum to 13, the total is the number of dossiers.
    cells, total = suppress_counts({"theme-a": 7, "theme-b": 6}, K, total=10)
    assert total.value == 10 and cells["theme-a"].value == 7 and cells["theme-b"].value == 6


def test_r7_min_cell_defaults_to_5_and_never_goes_below_3():
    assert min_cell({}) == 5
    assert min_cell({"REPORT_MIN_CELL": 1}) == 3
    assert min_cell({"REPORT_MIN_CELL": 10}) == 10
