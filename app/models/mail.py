"""The outbox: every notification mail, kept whether it went out by SMTP or is held for admins to read."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.db import Base, UTCDateTime


class MailStatus(enum.StrEnum):
    """HELD: no SMTP server configured, the mail stays here (the embedded default; admins read it).
    QUEUED: a send job is on its way. SENT: the SMTP server accepted it. FAILED: the last attempt failed."""

    HELD = "held"
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    """One notification mail. Its text holds names, dates and links only, never dossier content."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_created_at", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(50))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="SET NULL"))
    status: Mapped[MailStatus] = mapped_column(String(20), default=MailStatus.HELD)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One attachment at most: a calendar invitation (text/calendar); names, dates and places only
    attachment_name: Mapped[str | None] = mapped_column(String(100))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment_body: Mapped[str | None] = mapped_column(Text)
