"""A confidant's life in the network: laying down the role or being removed from it (R19), periods of inactivity
with a stand-in (R14), and the dossiers shared on those occasions, each only with the requester's recorded
consent (R2)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.db import Base, UTCDateTime
from app.models.roster import Confidant


class EndingKind(enum.StrEnum):
    RESIGNATION = "resignation"  # the confidant lays the role down
    REMOVAL = "removal"  # the EOC removes the confidant (against their will: the representatives' agreement)


class EndingState(enum.StrEnum):
    OPEN = "open"  # waiting for the effective date
    EFFECTIVE = "effective"  # the role ended on the effective date
    WITHDRAWN = "withdrawn"  # taken back before the effective date
    REFUSED = "refused"  # a removal without the representatives' agreement (the inspection-advice path)


class RoleEnding(Base):
    """The end of a confidant's role (R19): one open at a time per confidant."""

    __tablename__ = "role_ending"
    __table_args__ = (Index("ux_role_ending_open", "confidant_id", unique=True,
                            postgresql_where=text("state = 'open'"), sqlite_where=text("state = 'open'")),)
    id: Mapped[int] = mapped_column(primary_key=True)
    confidant_id: Mapped[int] = mapped_column(ForeignKey("confidant.id", ondelete="CASCADE"))
    kind: Mapped[EndingKind] = mapped_column(String(20))
    state: Mapped[EndingState] = mapped_column(String(20), default=EndingState.OPEN)
    effective_on: Mapped[date] = mapped_column(Date)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # A removal: did the confidant agree, and if not, did every employees' representative in the EOC agree first?
    confidant_agrees: Mapped[bool | None] = mapped_column()
    representatives_agreed_on: Mapped[date | None] = mapped_column(Date)
    committee_noted_on: Mapped[date | None] = mapped_column(Date)  # the EOC took note (R19)
    committee_reference: Mapped[str | None] = mapped_column(String(100))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the effective date's work was done

    confidant: Mapped[Confidant] = relationship(lazy="joined")


class InactivityPeriod(Base):
    """A period in which a confidant is temporarily inactive (R14): off the published list, back at its end.
    ``ended_on`` is set when it ended (early, or at ``ends_on``); ``cancelled_at`` when it was called off before
    it began."""

    __tablename__ = "inactivity_period"
    __table_args__ = (Index("ix_inactivity_period_confidant", "confidant_id", "starts_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    confidant_id: Mapped[int] = mapped_column(ForeignKey("confidant.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    stand_in_id: Mapped[int | None] = mapped_column(ForeignKey("confidant.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_on: Mapped[date | None] = mapped_column(Date)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="SET NULL"))

    confidant: Mapped[Confidant] = relationship(foreign_keys=[confidant_id], lazy="joined")
    stand_in: Mapped[Confidant | None] = relationship(foreign_keys=[stand_in_id])


class ShareKind(enum.StrEnum):
    HANDOVER = "handover"  # the receiver becomes the dossier's keeper (R19)
    STAND_IN = "stand_in"  # the stand-in reads it during the inactivity period (R14)


class ConsentWay(enum.StrEnum):
    """How the requester gave consent to the sharing (recorded, never their words)."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    EMAIL = "email"
    WRITTEN = "written"


class DossierShare(Base):
    """A dossier's key wrapped for another person, with the requester's recorded consent. ``ended_at``: a stand-in's
    access ended (their wrap was deleted)."""

    __tablename__ = "dossier_share"
    __table_args__ = (Index("ix_dossier_share_to", "to_user_id", "ended_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ShareKind] = mapped_column(String(20))
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    to_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    consent_on: Mapped[date] = mapped_column(Date)
    consent_way: Mapped[ConsentWay] = mapped_column(String(20))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    role_ending_id: Mapped[int | None] = mapped_column(ForeignKey("role_ending.id", ondelete="SET NULL"))
    inactivity_id: Mapped[int | None] = mapped_column(ForeignKey("inactivity_period.id", ondelete="SET NULL"))
