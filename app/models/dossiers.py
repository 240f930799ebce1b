"""Confidential dossiers (R3-R6): categorical facts in clear for the reports, the rest encrypted; the data key
wrapped per reader; an append-only audit log chained by hashes."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.db import Base, UTCDateTime


class Theme(enum.StrEnum):
    STRESS = "stress"
    BURNOUT = "burnout"
    CONFLICT = "conflict"
    BULLYING = "bullying"
    VIOLENCE = "violence"
    SEXUAL_HARASSMENT = "sexual_harassment"
    DISCRIMINATION = "discrimination"
    WORK_ORGANISATION = "work_organisation"
    PRIVATE_SITUATION = "private_situation"
    OTHER = "other"


class PersonLevel(enum.StrEnum):
    COLLEAGUE = "colleague"
    DIRECT_MANAGER = "direct_manager"
    DEPARTMENT_HEAD = "department_head"
    LEADING_OFFICIAL = "leading_official"
    THIRD_PARTY = "third_party"
    GROUP = "group"


class Intervention(enum.StrEnum):
    LISTENING = "listening"  # listening and advice
    PREPARATION = "preparation"  # preparing and debriefing a conversation
    INTERVENTION = "intervention"  # with someone in the organisation
    CONCILIATION = "conciliation"


NEEDS_CONSENT = frozenset({Intervention.INTERVENTION, Intervention.CONCILIATION})  # R4


class Outcome(enum.StrEnum):
    RESOLVED = "resolved"
    REFERRED_FORMAL = "referred_formal"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    STOPPED_BY_REQUESTER = "stopped_by_requester"
    NOT_RESOLVED = "not_resolved"


class FactKind(enum.StrEnum):
    THEME = "theme"
    PERSON = "person"
    INTERVENTION = "intervention"
    DELICATE_REASON = "delicate_reason"  # why the decision table found it delicate (R9)


class EscalationState(enum.StrEnum):
    """Where the mandatory PAPSY involvement of a delicate dossier stands (R9)."""

    SUMMARY_PENDING = "summary_pending"  # the confidant writes the summary for the PAPSY
    WITH_PAPSY = "with_papsy"  # the PAPSY's task "Delicate zaak opnemen" waits
    CONSULTED = "consulted"  # the PAPSY recorded the consultation: the dossier may be closed


class Dossier(Base):
    __tablename__ = "dossier"
    __table_args__ = (Index("ix_dossier_confidant_opened", "confidant_id", "opened_on", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    confidant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    opened_on: Mapped[date] = mapped_column(Date)
    consent_given: Mapped[bool] = mapped_column(default=False)
    consent_on: Mapped[date | None] = mapped_column(Date)
    referred_formal: Mapped[bool] = mapped_column(default=False)  # R5
    repeated_incident: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[str | None] = mapped_column(String(30))
    closed_on: Mapped[date | None] = mapped_column(Date)
    delicate: Mapped[bool] = mapped_column(default=False)  # R9
    escalation_state: Mapped[str | None] = mapped_column(String(20))
    escalation_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    requester_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Retention (M27): told to its confidant 30 days before; crypto-shredded after DOSSIER_RETENTION_YEARS from
    # closing (ciphertexts and every key wrap gone, the categorical facts kept), unless a legal hold stops it.
    retention_notice_on: Mapped[date | None] = mapped_column(Date)
    shredded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    facts: Mapped[list[DossierFact]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                    order_by="DossierFact.id")

    def values(self, kind: FactKind) -> list[str]:
        return [fact.value for fact in self.facts if fact.kind == kind]


class DossierFact(Base):
    """One theme, level of person involved or intervention type of a dossier (filters and reports)."""

    __tablename__ = "dossier_fact"
    __table_args__ = (Index("ix_dossier_fact_lookup", "kind", "value", "dossier_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(30))


class ReaderKind(enum.StrEnum):
    OWNER = "owner"
    RECOVERY = "recovery"
    PAPSY = "papsy"  # the escalation summary and the consultation only
    STAND_IN = "stand_in"  # a stand-in during the keeper's inactivity, with the requester's consent (R14)


class DossierKey(Base):
    """The dossier's data key, wrapped for one reader."""

    __tablename__ = "dossier_key"
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True)
    reader: Mapped[str] = mapped_column(String(10), primary_key=True)
    reader_id: Mapped[int] = mapped_column(primary_key=True)  # a user id, or the recovery key's id
    wrapped: Mapped[bytes] = mapped_column(LargeBinary(128))


class DossierNote(Base):
    """A narrative note, added over time; only its confidant can read it."""

    __tablename__ = "dossier_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)


class EscalationSummary(Base):
    """The confidant's summary of a delicate dossier for the PAPSY (R9), under a data key of its own: the PAPSY
    gets that key, never the dossier's."""

    __tablename__ = "escalation_summary"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), unique=True)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)


class SummaryKey(Base):
    """The summary's data key, wrapped for one reader: its confidant, a PAPSY, or the recovery key."""

    __tablename__ = "summary_key"
    summary_id: Mapped[int] = mapped_column(ForeignKey("escalation_summary.id", ondelete="CASCADE"),
                                            primary_key=True)
    reader: Mapped[str] = mapped_column(String(10), primary_key=True)
    reader_id: Mapped[int] = mapped_column(primary_key=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary(128))


class Consultation(Base):
    """The PAPSY's record of the consultation on a delicate case (R9): who and when in clear; what was agreed (the
    date, the advice, a follow-up) sealed under a key of its own, wrapped for the confidant, that PAPSY and the
    recovery key. Never in the workflow data."""

    __tablename__ = "escalation_consultation"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), unique=True)
    papsy_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)


class ConsultationKey(Base):
    """The consultation's data key, wrapped for one reader: the confidant, the PAPSY who recorded it, recovery."""

    __tablename__ = "consultation_key"
    consultation_id: Mapped[int] = mapped_column(ForeignKey("escalation_consultation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    reader: Mapped[str] = mapped_column(String(10), primary_key=True)
    reader_id: Mapped[int] = mapped_column(primary_key=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary(128))


class SummaryShare(Base):
    """A PAPSY who took up a late delicate case and needs the summary: pending until the confidant's key wraps
    it for them (``shared_at``); nothing unattended can, only a request of the confidant."""

    __tablename__ = "summary_share"
    __table_args__ = (UniqueConstraint("summary_id", "papsy_id"),
                      Index("ix_summary_share_pending", "confidant_id", "shared_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("escalation_summary.id", ondelete="CASCADE"))
    papsy_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    confidant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LegalHold(Base):
    """A PAPSY's stop on the shredding of a closed dossier (M27), with a reason, until lifted."""

    __tablename__ = "legal_hold"
    __table_args__ = (Index("ix_legal_hold_dossier", "dossier_id", "lifted_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who did what with which dossier's confidential content, when; never the content. Each entry's hash
    (a MAC under AUDIT_KEY) covers the previous one's: `vertrouwd audit verify` finds the first broken link."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    dossier_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(40))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)  # a link has one successor: no forks
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "hmac-sha256": keyed with AUDIT_KEY; "sha256": written before the key existed (`vertrouwd init` re-keys).
    scheme: Mapped[str] = mapped_column(String(16), server_default="sha256")
