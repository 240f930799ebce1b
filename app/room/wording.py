"""How the room's times are said, in pages, refusals and mails: "dinsdag 9 mrt. 2027, 10:00–11:00"."""
from __future__ import annotations

from datetime import date

from babel.dates import format_date as babel_format_date
from flask_babel import lazy_gettext as _l

from app import i18n, ui
from app.room import slots


def written_day(day: date, locale: str | None = None) -> str:
    """"dinsdag 9 mrt. 2027" (the weekday in full, then the day as pages write it)."""
    locale = locale or i18n.display().locale
    return f"{babel_format_date(day, 'EEEE', locale=locale)} {ui.written_date(day, locale)}"


def span(start: int, end: int) -> str:
    """"10:00–11:00" for the half hours [start, end)."""
    return f"{slots.clock_time(start)}–{slots.clock_time(end)}"


def runs(half_hours: list[int]) -> list[tuple[int, int]]:
    """Consecutive half hours as [start, end) ranges: [20, 21, 24] -> [(20, 22), (24, 25)]."""
    found: list[tuple[int, int]] = []
    for slot in sorted(half_hours):
        if found and found[-1][1] == slot:
            found[-1] = (found[-1][0], slot + 1)
        else:
            found.append((slot, slot + 1))
    return found


def taken_message(day: date, half_hours: list[int], approving: bool = False) -> str:
    """The refusal that names what is taken, for the confidant who asks or the PAPSY who approves."""
    day_text, times = written_day(day), ", ".join(span(*run) for run in runs(half_hours))
    if approving:
        return str(_l("Niet goedgekeurd: het lokaal is op %(day)s van %(times)s al gereserveerd door een andere "
                      "reservering. Er werd niets bewaard; weiger deze aanvraag met die reden.", day=day_text,
                      times=times))
    return str(_l("Het lokaal is op %(day)s van %(times)s al gereserveerd. Kies een ander moment.", day=day_text,
                  times=times))
