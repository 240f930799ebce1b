"""What the confidants keep beside their dossiers and what the network learns from it: the yearly sharing of repeated
incidents with the PAPSY (R8), the register of facts by third parties and its prevention measures (R20), the contacts
with the PAPSY (R21), the annual evaluation per entity (R18) and the conversation it may call for.

Free texts a confidant writes here (an R8 account, a fact's description, a conversation's notes) are sealed texts:
each under a data key of its own, wrapped per reader (app/crypto/sealed_texts.py). Everything else is categorical.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.db import Base, UTCDateTime


class SealedText(Base):
    """A confidential free text, sealed under its own data key; ``purpose`` names what it is (no content)."""

    __tablename__ = "sealed_text"
    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(30))
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class SealedTextKey(Base):
    """A sealed text's data key, wrapped for one reader (a user by ReaderKind, or the recovery key)."""

    __tablename__ = "sealed_text_key"
    text_id: Mapped[int] = mapped_column(ForeignKey("sealed_text.id", ondelete="CASCADE"), primary_key=True)
    reader: Mapped[str] = mapped_column(String(10), primary_key=True)
    reader_id: Mapped[int] = mapped_column(primary_key=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary(128))


class SharingState(enum.StrEnum):
    OPEN = "open"  # the confidant's task waits
    SUBMITTED = "submitted"  # the account went to the PAPSY, who has not acknowledged it yet
    ACKNOWLEDGED = "acknowledged"
    CANCELLED = "cancelled"  # the role ended before it was submitted


class IncidentSharing(Base):
    """A confidant's yearly sharing of the year's repeated incidents with the entity's PAPSY (R8)."""

    __tablename__ = "incident_sharing"
    __table_args__ = (UniqueConstraint("confidant_id", "year"), Index("ix_incident_sharing_entity", "entity_id", "year"))
    id: Mapped[int] = mapped_column(primary_key=True)
    confidant_id: Mapped[int] = mapped_column(ForeignKey("confidant.id", ondelete="CASCADE"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    year: Mapped[int] = mapped_column()
    state: Mapped[SharingState] = mapped_column(String(20), default=SharingState.OPEN)
    due_on: Mapped[date] = mapped_column(Date)
    dossier_count: Mapped[int] = mapped_column(default=0)  # dossiers of the year marked "repeated incident"
    account_id: Mapped[int | None] = mapped_column(ForeignKey("sealed_text.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ThirdPartyFact(Base):
    """A fact by a third party (R20): the categorical facts in clear for the register report, the description
    sealed like a dossier note."""

    __tablename__ = "third_party_fact"
    __table_args__ = (Index("ix_third_party_fact_entity", "entity_id", "occurred_on"),
                      Index("ix_third_party_fact_confidant", "confidant_id", "occurred_on"))
    id: Mapped[int] = mapped_column(primary_key=True)
    confidant_id: Mapped[int] = mapped_column(ForeignKey("confidant.id", ondelete="CASCADE"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))  # violence, harassment, undesirable behaviour
    context: Mapped[str] = mapped_column(String(30))  # counter, phone, on the road, ...
    third_party: Mapped[str] = mapped_column(String(30))  # citizen, client, contractor, ...
    victim_function: Mapped[str | None] = mapped_column(String(30))  # a category, optional
    description_id: Mapped[int | None] = mapped_column(ForeignKey("sealed_text.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)


class MeasureState(enum.StrEnum):
    PROPOSED = "proposed"
    TAKEN = "taken"
    NOT_TAKEN = "not_taken"


class PreventionMeasure(Base):
    """A prevention measure proposed after a third-party fact: an owner at the entity, a follow-up date (a task and a
    reminder) and, later, its outcome. Written for the entity, so in clear: no names of victims or requesters."""

    __tablename__ = "prevention_measure"
    id: Mapped[int] = mapped_column(primary_key=True)
    fact_id: Mapped[int] = mapped_column(ForeignKey("third_party_fact.id", ondelete="CASCADE"), index=True)
    proposal: Mapped[str] = mapped_column(String(1000))
    owner: Mapped[str] = mapped_column(String(200))  # who at the entity takes it up (a service or function)
    follow_up_on: Mapped[date] = mapped_column(Date)
    state: Mapped[MeasureState] = mapped_column(String(20), default=MeasureState.PROPOSED)
    outcome: Mapped[str | None] = mapped_column(String(1000))
    outcome_on: Mapped[date | None] = mapped_column(Date)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class PapsyContact(Base):
    """A contact between a confidant and a PAPSY (R21): when and what kind, never what was said."""

    __tablename__ = "papsy_contact"
    __table_args__ = (Index("ix_papsy_contact_confidant", "confidant_id", "held_on"),
                      Index("ix_papsy_contact_entity", "entity_id", "held_on"))
    id: Mapped[int] = mapped_column(primary_key=True)
    confidant_id: Mapped[int] = mapped_column(ForeignKey("confidant.id", ondelete="CASCADE"))
    papsy_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))  # consultation, phone, mail, meeting, risk analysis, ...
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Evaluation(Base):
    """The annual evaluation of an entity (R18), as generated: its measurable facts, kept so that the page and the
    PDF show what was generated, until an admin regenerates it."""

    __tablename__ = "evaluation"
    __table_args__ = (UniqueConstraint("entity_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    year: Mapped[int] = mapped_column()
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class WorkingConversation(Base):
    """The PAPSY's "conversation about the role" with a confidant who registered no dossier three years in a row
    (R18), started by the evaluation of ``year``; the notes are a sealed text (the confidant, the PAPSY, recovery)."""

    __tablename__ = "working_conversation"
    __table_args__ = (UniqueConstraint("confidant_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    confidant_id: Mapped[int] = mapped_column(ForeignKey("confidant.id", ondelete="CASCADE"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    year: Mapped[int] = mapped_column()
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="SET NULL"))
    papsy_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    held_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(30))
    notes_id: Mapped[int | None] = mapped_column(ForeignKey("sealed_text.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ReportSnapshot(Base):
    """A report as published, frozen (R7): made once, on its first request after the period's publication date, and
    served unchanged from then on. A report that followed every registration could be subtracted from an earlier
    copy of itself to isolate the one dossier (or fact) that changed it; a published figure therefore never changes.
    ``kind`` names the report ("dossiers", "register"), ``scope`` its entity (0: the network)."""

    __tablename__ = "report_snapshot"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    scope: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    k: Mapped[int] = mapped_column(primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
