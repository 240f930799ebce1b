"""Working days in Flanders: Monday to Friday, except the Belgian public holidays and 11 July (the Flemish
Community's day, a day off for the Flemish government). Used for the PAPSY's 2 working days (R9)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.easter import easter


@lru_cache(maxsize=64)
def holidays(year: int) -> frozenset[date]:
    easter_sunday = easter(year)
    return frozenset({
        date(year, 1, 1), easter_sunday + timedelta(days=1), date(year, 5, 1),
        easter_sunday + timedelta(days=39), easter_sunday + timedelta(days=50),  # Ascension, Whit Monday
        date(year, 7, 11), date(year, 7, 21), date(year, 8, 15), date(year, 11, 1), date(year, 11, 11),
        date(year, 12, 25),
    })


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def add_working_days(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The end (23:59:59 local time) of the ``days``-th working day after ``moment``'s local date."""
    day = moment.astimezone(zone).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=zone)
