"""The fixed periods of the reports: a year and its quarters, never a free date range (two overlapping ranges
could be subtracted to isolate a few dossiers).

A year is reported once it has ended and a month has passed for late registrations (``published_on``); its report
is then made once and frozen (app/models/reporting.py ReportSnapshot), its quarters inside it. A running year is
never reported: its figures as of one quarter, subtracted from those as of the next, would isolate the dossiers
registered in between."""
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


PUBLICATION_DELAY_MONTHS = 1  # after the year's end, for dossiers registered late


def published_on(year: int) -> date:
    """The day a year's report appears (and is frozen): 1 February of the next year."""
    return date(year + 1, 1 + PUBLICATION_DELAY_MONTHS, 1)


def is_published(year: int, today: date) -> bool:
    return today >= published_on(year)
