"""The conversation room in the Herman Teirlinck building (R17): bookings asked of the PAPSY, and the half-hour
slots an approved booking holds, one row each, so that the database itself refuses an overlap."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.db import Base, UTCDateTime
from app.models.people import User

SLOT_MINUTES = 30  # slot n starts n * 30 minutes after midnight (Brussels time)


class BookingStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class RoomBooking(Base):
    """A request for the room: a day, a time slot [start_slot, end_slot) and a category of use; never a name of a
    requester or anything confidential."""

    __tablename__ = "room_booking"
    __table_args__ = (Index("ix_room_booking_day", "day", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(100), unique=True)  # the calendar file's UID
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    start_slot: Mapped[int] = mapped_column(Integer)
    end_slot: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(30))
    status: Mapped[BookingStatus] = mapped_column(String(20), default=BookingStatus.REQUESTED)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id], lazy="joined")


class RoomSlot(Base):
    """A half hour of the room held by an approved booking: the primary key makes two bookings of one half hour
    impossible, on every database, whatever the concurrency."""

    __tablename__ = "room_slot"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("room_booking.id", ondelete="CASCADE"), index=True)
