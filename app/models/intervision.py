"""Intervision and trainings (R12, R13): fixed groups, the sessions of the network's calendar, who takes part and
attends, the entities' prevention units (IDEWE) and the personal calendar feeds."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.db import Base, UTCDateTime
from app.models.people import Entity, User
from app.models.roster import Confidant

GROUP_SIZE = 12  # R12.1: a fixed group of at most 12 confidants
REQUIRED_HALF_DAYS = 2  # R12: one day a year, two half days at the GDPB


class EventKind(enum.StrEnum):
    GROUP_SESSION = "group_session"  # a half day of a fixed group (R12.1)
    OPEN_GDPB = "open_gdpb"  # an open intervision session of the GDPB: free, with a capacity (R12.2)
    OPEN_IDEWE = "open_idewe"  # an open intervision session of IDEWE: paid by the entity in prevention units
    TRAINING = "training"  # additional training (R13)
    INFO_SESSION = "info_session"  # an info session of the GDPB (R13)


INTERVISION_KINDS = (EventKind.GROUP_SESSION, EventKind.OPEN_GDPB, EventKind.OPEN_IDEWE)
TRAINING_KINDS = (EventKind.TRAINING, EventKind.INFO_SESSION)


class ParticipantStatus(enum.StrEnum):
    INVITED = "invited"  # a member of the group the session belongs to
    REGISTERED = "registered"  # a place in an open session or a training
    WAITING = "waiting"  # on the waiting list (ordered by registered_at)
    REQUESTED = "requested"  # an IDEWE registration waiting for the PAPSY's approval
    APPROVED = "approved"  # an IDEWE registration approved: the units are debited
    REFUSED = "refused"  # an IDEWE registration refused, with the reason
    CANCELLED = "cancelled"  # unregistered, or left the group before the session


TAKING_PART = (ParticipantStatus.INVITED, ParticipantStatus.REGISTERED, ParticipantStatus.APPROVED)


class Attendance(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class CertificateStatus(enum.StrEnum):
    AWAITED = "awaited"  # the session is over, the confidant has not uploaded it yet
    PENDING = "pending"  # uploaded, for the PAPSY to review
    APPROVED = "approved"
    REJECTED = "rejected"


class IntervisionGroup(Base):
    """A fixed group of at most 12 confidants from several entities, led by a PAPSY, for the long term (R12.1)."""

    __tablename__ = "intervision_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    leader: Mapped[User] = relationship(lazy="joined")


class GroupMembership(Base):
    """A confidant's time in a group; moving to another group ends this row and starts a new one (history)."""

    __tablename__ = "intervision_membership"
    __table_args__ = (Index("ix_intervision_membership_confidant", "confidant_id", "left_on"),
                      Index("ix_intervision_membership_group", "group_id", "left_on"))
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("intervision_group.id", ondelete="CASCADE"))
    confidant_id: Mapped[int] = mapped_column(ForeignKey("confidant.id", ondelete="CASCADE"))
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    group: Mapped[IntervisionGroup] = relationship(lazy="joined")
    confidant: Mapped[Confidant] = relationship(lazy="joined")


class NetworkEvent(Base):
    """One dated session on the network's calendar: a group's half day, an open intervision session, a training or
    an info session. ``uid`` and ``sequence`` are what calendars know it by (RFC 5545): the uid never changes, the
    sequence grows with every change that is sent out."""

    __tablename__ = "network_event"
    __table_args__ = (Index("ix_network_event_year_kind", "year", "kind"),
                      Index("ix_network_event_group", "group_id", "starts_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[EventKind] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)  # the calendar year in Brussels of starts_at
    group_id: Mapped[int | None] = mapped_column(ForeignKey("intervision_group.id", ondelete="CASCADE"))
    title: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int | None] = mapped_column(Integer)
    cost_units: Mapped[int | None] = mapped_column(Integer)  # IDEWE: prevention units per participant
    half_days: Mapped[int] = mapped_column(Integer, default=1)  # intervision it counts for
    duration_days: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))  # trainings (R13)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    group: Mapped[IntervisionGroup | None] = relationship(lazy="joined")
    organiser: Mapped[User] = relationship(lazy="joined")


class EventParticipant(Base):
    """A confidant at one event: invited as a group member, registered (or waiting) for an open session or a
    training, or asking to join an IDEWE session; then whether they attended and, for IDEWE, their certificate."""

    __tablename__ = "event_participant"
    __table_args__ = (UniqueConstraint("event_id", "confidant_id"),
                      Index("ix_event_participant_confidant", "confidant_id", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("network_event.id", ondelete="CASCADE"))
    confidant_id: Mapped[int] = mapped_column(ForeignKey("confidant.id", ondelete="CASCADE"))
    status: Mapped[ParticipantStatus] = mapped_column(String(20))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(500))  # why a registration was refused
    attendance: Mapped[Attendance | None] = mapped_column(String(10))
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendance_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    certificate_status: Mapped[CertificateStatus | None] = mapped_column(String(10))
    certificate_reason: Mapped[str | None] = mapped_column(String(500))  # why a certificate was rejected
    units_debited: Mapped[int | None] = mapped_column(Integer)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="SET NULL"))

    event: Mapped[NetworkEvent] = relationship(lazy="joined")
    confidant: Mapped[Confidant] = relationship(lazy="joined")


class PreventionUnitEntry(Base):
    """A line of an entity's prevention-unit account (IDEWE): units bought (+) or spent on a registration (-)."""

    __tablename__ = "prevention_unit_entry"
    __table_args__ = (Index("ix_prevention_unit_entry_entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"))
    delta: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))  # "credit", "registration", "refund"
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("event_participant.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    entity: Mapped[Entity] = relationship(lazy="joined")


class IntervisionYearResult(Base):
    """The year's end for one confidant (R12, for the evaluation of R18): half days attended and whether short."""

    __tablename__ = "intervision_year_result"
    __table_args__ = (UniqueConstraint("confidant_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    confidant_id: Mapped[int] = mapped_column(ForeignKey("confidant.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    half_days_attended: Mapped[int] = mapped_column(Integer)
    short: Mapped[bool] = mapped_column()
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class CalendarFeed(Base):
    """A user's personal calendar feed: a secret URL; only the SHA-256 of its token is kept."""

    __tablename__ = "calendar_feed"
    __table_args__ = (UniqueConstraint("token_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")
