"""The fixed periods of the reports: a year and its quarters, never a free date range (two overlapping ranges
could be subtracted to isolate a few dossiers).

Only quarters that have ended are reported: a quarter's counts then change only by late registrations, and the
current year is the sum of its ended quarters."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

QUARTERS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None  # None: the whole year

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1) if quarter <= 4 else date(year + 1, 1, 1)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def reporting_cutoff(today: date) -> date:
    """The first day not yet reported: the start of the running quarter."""
    return quarter_start(today.year, quarter_of(today))


def ended_quarters(year: int, today: date) -> tuple[int, ...]:
    cutoff = reporting_cutoff(today)
    return tuple(quarter for quarter in QUARTERS if quarter_start(year, quarter + 1) <= cutoff)
