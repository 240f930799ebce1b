"""The one clock of the program. Tests move it with time-machine."""
from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)
