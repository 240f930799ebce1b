"""A dispatcher that only records what the commits left for the workers (app/dispatch.py), for tests that look at
the app's side of the seam without Redis. Hand it in through the ``dispatch_factory`` fixture (tests/conftest.py)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from app.config import Settings


@dataclass
class RecordingDispatch:
    scheduled: list[tuple[int, datetime]] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    due_now: list[int] = field(default_factory=list)
    mails: list[int] = field(default_factory=list)
    migrations: list[int] = field(default_factory=list)

    def connect(self, settings: Settings) -> RecordingDispatch:
        """The factory ``create_app`` takes."""
        return self

    def timers_changed(self, scheduled: Sequence[tuple[int, datetime]], cancelled: Sequence[int]) -> None:
        self.scheduled.extend(scheduled)
        self.cancelled.extend(cancelled)

    def timers_due_now(self, timer_ids: Sequence[int]) -> None:
        self.due_now.extend(timer_ids)

    def mail_queued(self, message_id: int) -> None:
        self.mails.append(message_id)

    def migration_queued(self, run_id: int) -> None:
        self.migrations.append(run_id)
