"""The one clock of the program. Tests move it with time-machine; a scenario test (app/modeling/scenarios.py) moves
its own: ``moved_clock`` shifts the time seen by the code it runs (in this thread or task only), while other requests
and workers keep the real time."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone

_offset: ContextVar[timedelta] = ContextVar("clock_offset", default=timedelta(0))


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc) + _offset.get()


@contextmanager
def moved_clock() -> Iterator[Callable[[timedelta], None]]:
    """A clock for the code run inside the block only, that ``move(delta)`` moves forward; back to the real time at
    the end."""
    token = _offset.set(_offset.get())

    def move(delta: timedelta) -> None:
        _offset.set(_offset.get() + delta)

    try:
        yield move
    finally:
        _offset.reset(token)


class _AnyDatetime(type):
    """Plain datetimes count as ClockDatetime: ``isinstance(value, datetime)`` keeps working where it is swapped in."""

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, datetime)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, datetime)


class ClockDatetime(datetime, metaclass=_AnyDatetime):
    """``datetime`` whose ``now()`` is this clock's, for code that calls ``datetime.now`` itself (SpiffWorkflow's
    timers, the scripts in a diagram: app/engine/sandbox.py). Whatever it makes is a plain datetime."""

    def __new__(cls, *args, **kwargs) -> datetime:  # type: ignore[misc]
        return datetime(*args, **kwargs)

    @classmethod
    def now(cls, tz=None) -> datetime:  # type: ignore[override]
        current = now()
        return current.astimezone(tz) if tz is not None else current.astimezone().replace(tzinfo=None)

    @classmethod
    def utcnow(cls) -> datetime:  # type: ignore[override]
        return now().replace(tzinfo=None)

    @classmethod
    def fromisoformat(cls, text: str) -> datetime:  # type: ignore[override]
        return datetime.fromisoformat(text)

    @classmethod
    def fromisocalendar(cls, year: int, week: int, day: int) -> datetime:  # type: ignore[override]
        return datetime.fromisocalendar(year, week, day)

    @classmethod
    def combine(cls, *args, **kwargs) -> datetime:  # type: ignore[override]
        return datetime.combine(*args, **kwargs)

    @classmethod
    def fromtimestamp(cls, *args, **kwargs) -> datetime:  # type: ignore[override]
        return datetime.fromtimestamp(*args, **kwargs)

    @classmethod
    def strptime(cls, *args, **kwargs) -> datetime:  # type: ignore[override]
        return datetime.strptime(*args, **kwargs)
