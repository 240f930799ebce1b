"""The roster: every appointed confidant (R15), the active ones published (R14)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.db import Base, UTCDateTime
from app.models.people import Entity, User


class ConfidantStatus(enum.StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    FORMER = "former"


class Confidant(Base):
    __tablename__ = "confidant"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    function: Mapped[str | None] = mapped_column(String(200))
    # Published with the name (R14), as the confidant gives them
    phone: Mapped[str | None] = mapped_column(String(40))
    work_location: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[ConfidantStatus] = mapped_column(String(20), default=ConfidantStatus.ACTIVE)
    appointed_on: Mapped[date] = mapped_column(Date)
    eoc_reference: Mapped[str | None] = mapped_column(String(100))
    appointment_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    # R11: the basic training, within 2 years of the appointment (the deadline can be extended by the PAPSY).
    training_due_on: Mapped[date | None] = mapped_column(Date)
    training_certified_on: Mapped[date | None] = mapped_column(Date)
    training_role_ended_on: Mapped[date | None] = mapped_column(Date)  # decided after a missed deadline
    ended_on: Mapped[date | None] = mapped_column(Date)  # former: the role ended on this date (R19)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # Any change of the row, the published list's Last-Modified among them
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    entity: Mapped[Entity] = relationship(lazy="joined")

    def training_status(self, today: date) -> tuple[str, date | None]:
        """R11 at a glance: ('certified', on) / ('role_ended', on) / ('overdue', since) / ('due', by) / ('unknown', None)."""
        if self.training_certified_on is not None:
            return "certified", self.training_certified_on
        if self.training_role_ended_on is not None:
            return "role_ended", self.training_role_ended_on
        if self.training_due_on is None:
            return "unknown", None
        return ("overdue" if self.training_due_on < today else "due"), self.training_due_on
    user: Mapped[User | None] = relationship()
