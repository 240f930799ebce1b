"""The publish/change form of a training or an info session (R13): what a PAPSY typed, checked field by field.

Times are entered in Europe/Brussels. A training of several days has a first and a last day; its duration in days
(0.5 to 10, in steps of half a day) is what it counts for, and cannot be more than the days it spans.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from app.intervision import events
from app.intervision.events import BRUSSELS
from app.models import EventKind, NetworkEvent

MIN_DAYS, MAX_DAYS, DAY_STEP = Decimal("0.5"), Decimal(10), Decimal("0.5")
MAX_CAPACITY = 500
FIELDS = ("kind", "title", "description", "starts_on", "start_time", "ends_on", "end_time", "duration_days",
          "capacity", "place", "online_url")
LIMITS = {"title": 200, "description": 5000, "place": 300, "online_url": 500}


@dataclass(frozen=True)
class TrainingDetails:
    """A checked form: the fields of the event it publishes or changes."""

    kind: EventKind
    title: str
    description: str | None
    starts_at: datetime
    ends_at: datetime
    duration_days: Decimal
    capacity: int | None
    place: str | None
    online_url: str | None

    def fields(self) -> dict:
        """The event's columns (the kind is chosen once, when publishing)."""
        return {"title": self.title, "description": self.description, "starts_at": self.starts_at,
                "ends_at": self.ends_at, "duration_days": self.duration_days, "capacity": self.capacity,
                "place": self.place, "online_url": self.online_url}


def parse(form) -> tuple[TrainingDetails | None, dict[str, str], dict[str, str]]:
    """(details or None, the values as typed, field -> message)."""
    values = {name: (form.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    kind = _kind(values["kind"], errors)
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = str(_l("Maximaal %(limit)s tekens.", limit=limit))
    if not values["title"]:
        errors["title"] = str(_l("Geef een titel."))
    starts_on = _date(values, "starts_on", errors, required=True)
    ends_on = _date(values, "ends_on", errors, required=False) or starts_on
    start, end = _time(values, "start_time", errors), _time(values, "end_time", errors)
    days = _days(values["duration_days"], errors)
    capacity = _capacity(values["capacity"], errors)
    if not values["place"] and not values["online_url"]:
        errors["place"] = str(_l("Geef een plaats of een link om online deel te nemen."))
    if values["online_url"] and not _is_web_link(values["online_url"]):
        errors["online_url"] = str(_l("Geef een volledige link die begint met https://."))
    starts_at = ends_at = None
    if starts_on and ends_on and start and end:
        starts_at = datetime.combine(starts_on, start, BRUSSELS)
        ends_at = datetime.combine(ends_on, end, BRUSSELS)
        if ends_at <= starts_at:
            errors.setdefault("end_time", str(_l("Het einde moet na het begin liggen.")))
        elif days is not None and days > (ends_on - starts_on).days + 1:
            errors.setdefault("duration_days", str(_l("De duur kan niet langer zijn dan de dagen tussen begin en "
                                                      "einde.")))
    if errors or kind is None or starts_at is None or ends_at is None or days is None:
        return None, values, errors
    return TrainingDetails(kind=kind, title=values["title"], description=values["description"] or None,
                           starts_at=starts_at, ends_at=ends_at, duration_days=days, capacity=capacity,
                           place=values["place"] or None, online_url=values["online_url"] or None), values, errors


def values_of(event: NetworkEvent) -> dict[str, str]:
    """The form filled in with ``event`` as it is (to change it)."""
    starts, ends = event.starts_at.astimezone(BRUSSELS), event.ends_at.astimezone(BRUSSELS)
    days = event.duration_days
    return {"kind": str(event.kind), "title": event.title or "", "description": event.description or "",
            "starts_on": starts.date().isoformat(), "start_time": starts.strftime("%H:%M"),
            "ends_on": ends.date().isoformat() if ends.date() != starts.date() else "",
            "end_time": ends.strftime("%H:%M"), "duration_days": "" if days is None else f"{days.normalize():f}",
            "capacity": "" if event.capacity is None else str(event.capacity), "place": event.place or "",
            "online_url": event.online_url or ""}


def _kind(text: str, errors: dict) -> EventKind | None:
    if text in (EventKind.TRAINING.value, EventKind.INFO_SESSION.value):
        return EventKind(text)
    errors["kind"] = str(_l("Kies een vorming of een infosessie."))
    return None


def _date(values: dict, name: str, errors: dict, required: bool) -> date | None:
    if not values[name]:
        if required:
            errors[name] = str(_l("Geef een datum."))
        return None
    try:
        day = date.fromisoformat(values[name])
    except ValueError:
        errors[name] = str(_l("Geef een datum als 2027-03-15."))
        return None
    if not events.within_reach(day):
        errors[name] = str(_l("Kies een datum uiterlijk in %(year)d.", year=events.LAST_YEAR))
        return None
    return day


def _time(values: dict, name: str, errors: dict) -> time | None:
    text = values[name]
    if len(text) == 5 and text[2] == ":":
        try:
            return time.fromisoformat(text)
        except ValueError:
            pass
    errors[name] = str(_l("Geef een uur als 09:30."))
    return None


def _days(text: str, errors: dict) -> Decimal | None:
    try:
        days = Decimal(text.replace(",", "."))
    except InvalidOperation:
        days = None
    if days is None or not days.is_finite() or not MIN_DAYS <= days <= MAX_DAYS or days % DAY_STEP:
        errors["duration_days"] = str(_l("Geef een duur van 0,5 tot 10 dagen, per halve dag (0,5, 1, 1,5, ...)."))
        return None
    return days.quantize(Decimal("0.1"))


def _capacity(text: str, errors: dict) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 9) or not 1 <= int(text) <= MAX_CAPACITY:
        errors["capacity"] = str(_l("Geef een aantal plaatsen van 1 tot %(limit)s, of laat leeg.", limit=MAX_CAPACITY))
        return None
    return int(text)


def _is_web_link(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("https", "http") and bool(parts.netloc) and " " not in text
