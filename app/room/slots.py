"""The room's time: the building's hours in half hours, the days that can be asked, the week the page shows.

Slot n starts n half hours after midnight in Brussels (``SLOT_MINUTES``); a booking holds [start_slot, end_slot).
The room is asked on working days only (``app.workdays``: no weekends, Belgian holidays or 11 July), so a booking
never meets a change of summer time (those fall on Sundays at night)."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

from app import i18n, ui
from app.clock import now
from app.engine.errors import InvalidData
from app.intervision.events import BRUSSELS
from app.models.room import SLOT_MINUTES
from app.workdays import is_working_day

OPENS, CLOSES = time(8, 0), time(18, 0)  # the building's hours for the room
FIRST_SLOT = (OPENS.hour * 60 + OPENS.minute) // SLOT_MINUTES
END_SLOT = (CLOSES.hour * 60 + CLOSES.minute) // SLOT_MINUTES  # exclusive: the last half hour ends at CLOSES
HORIZON = relativedelta(months=6)  # how far ahead the room can be asked
HISTORY = timedelta(weeks=52)  # how far back the week page goes
PLACE = "Herman Teirlinckgebouw, Havenlaan 88, 1000 Brussel"
TIME = re.compile(r"(\d{2}):(\d{2})")


class Purpose(enum.StrEnum):
    """What the room is asked for: a category only, never a name or a word about a case."""

    REQUESTER_CONVERSATION = "requester_conversation"
    PAPSY_MEETING = "papsy_meeting"
    INTERVISION = "intervision"
    OTHER = "other"


PURPOSE_LABELS = {
    Purpose.REQUESTER_CONVERSATION: _l("Gesprek met een verzoeker"),
    Purpose.PAPSY_MEETING: _l("Overleg met de PAPSY"),
    Purpose.INTERVISION: _l("Intervisie of overleg tussen vertrouwenspersonen"),
    Purpose.OTHER: _l("Ander gebruik in uw rol van vertrouwenspersoon"),
}


def purpose_label(value: str) -> str:
    """The words for a stored purpose, in the current language."""
    try:
        return str(PURPOSE_LABELS[Purpose(value)])
    except ValueError:
        return str(PURPOSE_LABELS[Purpose.OTHER])


def today() -> date:
    return now().astimezone(BRUSSELS).date()


def clock_time(slot: int) -> str:
    """"09:30" for slot 19."""
    minutes = slot * SLOT_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def slot_of(text: str) -> int:
    """The slot that starts at ``text`` ("09:30"); ValueError for anything not on a half hour."""
    match = TIME.fullmatch(text.strip())
    if not match or int(match.group(1)) > 24 or int(match.group(2)) % SLOT_MINUTES:
        raise ValueError("not a time on the half hour")
    return (int(match.group(1)) * 60 + int(match.group(2))) // SLOT_MINUTES


def moment(day: date, slot: int) -> datetime:
    """When slot ``slot`` of ``day`` starts, in Brussels."""
    minutes = slot * SLOT_MINUTES
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=BRUSSELS)


def start_options() -> list[tuple[str, str]]:
    return [(clock_time(slot), clock_time(slot)) for slot in range(FIRST_SLOT, END_SLOT)]


def end_options() -> list[tuple[str, str]]:
    return [(clock_time(slot), clock_time(slot)) for slot in range(FIRST_SLOT + 1, END_SLOT + 1)]


def last_day(on: date | None = None) -> date:
    """The last day that can be asked today."""
    return (on or today()) + HORIZON


def next_free_slot(on: date) -> int:
    """The first slot of ``on`` that has not begun (today: after now; a later day: the opening)."""
    current = now().astimezone(BRUSSELS)
    if on > current.date():
        return FIRST_SLOT
    if on < current.date():
        return END_SLOT
    passed = (current.hour * 60 + current.minute) // SLOT_MINUTES + 1
    return max(FIRST_SLOT, min(passed, END_SLOT))


def check_day(day: date) -> None:
    """A day the room can be asked on: a working day, from today up to the horizon."""
    if day < today():
        raise InvalidData({"day": str(_l("Deze dag is voorbij: kies een dag vanaf vandaag."))})
    if day > last_day():
        raise InvalidData({"day": str(_l("U kunt het lokaal tot %(months)s maanden vooruit aanvragen, tot %(day)s.",
                                         months=HORIZON.months, day=ui.written_date(last_day(), i18n.display().locale)))})
    if not is_working_day(day):
        raise InvalidData({"day": str(_l("Het lokaal is alleen op werkdagen open (niet in het weekend of op een "
                                         "feestdag)."))})


@dataclass(frozen=True)
class Week:
    """A week of the room, Monday to Friday."""

    monday: date

    @classmethod
    def of(cls, day: date) -> Week:
        return cls(day - timedelta(days=day.weekday()))

    @classmethod
    def current(cls) -> Week:
        """This week; on a Saturday or Sunday the coming one (the room is closed at the weekend)."""
        day = today()
        return cls.of(day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day)

    @classmethod
    def parse(cls, text: str) -> Week:
        """A day of the week as YYYY-MM-DD (any day: the page shows its week), within the weeks the page shows."""
        try:
            week = cls.of(date.fromisoformat(text.strip()))
        except ValueError:
            week = None
        if week is None or not week.shown():
            raise InvalidData({"week": str(_l("Kies een dag als JJJJ-MM-DD, binnen het voorbije jaar of de komende "
                                              "zes maanden."))},
                              str(_l("Deze week kan niet getoond worden; u ziet de huidige week.")))
        return week

    def shown(self) -> bool:
        return Week.current().monday - HISTORY <= self.monday <= last_day()

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(5)]

    @property
    def friday(self) -> date:
        return self.monday + timedelta(days=4)

    @property
    def previous(self) -> Week | None:
        earlier = Week(self.monday - timedelta(weeks=1))
        return earlier if earlier.shown() else None

    @property
    def next(self) -> Week | None:
        later = Week(self.monday + timedelta(weeks=1))
        return later if later.shown() else None

    def __str__(self) -> str:
        return self.monday.isoformat()
