"""Runs of the periodic jobs (app/periodic.py): one row per job and period, so a job runs once a period however
many workers look."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.db import Base, UTCDateTime


class PeriodicRun(Base):
    __tablename__ = "periodic_run"
    job: Mapped[str] = mapped_column(String(60), primary_key=True)
    period: Mapped[str] = mapped_column(String(20), primary_key=True)  # "2026-12-06" (daily), "2026-W49" (weekly)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[int | None] = mapped_column(Integer)  # what the job counted (mails, dossiers)
