"""When a closed dossier is shredded, and the shredding itself (M27).

A closed dossier is kept for DOSSIER_RETENTION_YEARS from its closing date. Its confidant is told 30 days before
(``due_for_notice``); once the period is over and the notice is at least 30 days old it is crypto-shredded
(``due_for_shredding``, ``shred``): its ciphertexts (the requester's name, the notes, a delicate case's summary and
consultation) and every wrap of their keys (the owner's, a stand-in's, a PAPSY's and the GDPB recovery key's) are
deleted. The dossier's row and its categorical facts stay for the anonymous reports (R6, R7). A legal hold
(app/retention/holds.py) stops both the notice and the shredding until it is lifted.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Row, delete, exists, select, update
from sqlalchemy.orm import Session, aliased

from app.clock import now
from app.dossiers import audit
from app.dossiers.audit import Action
from app.mail.outbox import current_settings
from app.models.dossiers import (
    Consultation,
    ConsultationKey,
    Dossier,
    DossierKey,
    DossierNote,
    EscalationSummary,
    LegalHold,
    SummaryKey,
    SummaryShare,
)

NOTICE_DAYS = 30  # the confidant is told this many days before; never shredded sooner after the notice
BATCH = 500  # dossiers per DELETE ... IN (...), well under every database's limit of bound parameters


class RetentionRefused(ValueError):
    """A refused retention action, with a message for the user; nothing changed."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def retention_years() -> int:
    return current_settings().dossier_retention_years


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February in a common year becomes 1 March, so that the period is never
    shorter than the years it counts."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def shred_on(closed_on: date, years: int | None = None) -> date:
    """The first day on which a dossier closed on ``closed_on`` may be shredded: its retention period is over."""
    return years_after(closed_on, retention_years() if years is None else years)


def closed_by(day: date, years: int | None = None) -> date:
    """The last closing date whose shredding date is on or before ``day`` (``shred_on`` is monotonic, so the
    dossiers with ``closed_on <= closed_by(day)`` are exactly those with ``shred_on(closed_on) <= day``)."""
    years = retention_years() if years is None else years
    try:
        closing = day.replace(year=day.year - years)
    except ValueError:  # 29 February back to a common year
        closing = date(day.year - years, 2, 28)
    while shred_on(closing + timedelta(days=1), years) <= day:
        closing += timedelta(days=1)
    while shred_on(closing, years) > day:
        closing -= timedelta(days=1)
    return closing


def planned_shredding(dossier: Dossier, today: date, years: int | None = None) -> date | None:
    """The day a closed dossier will be shredded if no hold stops it: its retention date, but never sooner than
    30 days after its notice (not yet sent: it will be sent today at the earliest). None: open or shredded."""
    if dossier.closed_on is None or dossier.shredded_at is not None:
        return None
    return planned_date(dossier.closed_on, dossier.retention_notice_on, today, years)


def planned_date(closed_on: date, notice_on: date | None, today: date, years: int | None = None) -> date:
    return max(shred_on(closed_on, years), (notice_on or today) + timedelta(days=NOTICE_DAYS))


def held() -> ColumnElement[bool]:
    """The dossier has a hold that was not lifted (its own alias: a query may join LegalHold as well)."""
    hold = aliased(LegalHold)
    return exists().where(hold.dossier_id == Dossier.id, hold.lifted_at.is_(None))


def active_hold(session: Session, dossier_id: int) -> LegalHold | None:
    return session.scalar(select(LegalHold).where(LegalHold.dossier_id == dossier_id, LegalHold.lifted_at.is_(None))
                          .order_by(LegalHold.id.desc()).limit(1))


def _kept_closed() -> list[ColumnElement[bool]]:
    return [Dossier.closed_on.is_not(None), Dossier.shredded_at.is_(None), ~held()]


def due_for_notice(session: Session, today: date) -> list[Row]:
    """Closed dossiers, not held, whose retention ends within 30 days (or already ended) and whose confidant was
    not told yet: their id, confidant_id, entity_id and opened_on (what a notice says and whom it goes to)."""
    return list(session.execute(select(Dossier.id, Dossier.confidant_id, Dossier.entity_id, Dossier.opened_on).where(
        *_kept_closed(), Dossier.retention_notice_on.is_(None),
        Dossier.closed_on <= closed_by(today + timedelta(days=NOTICE_DAYS)))
        .order_by(Dossier.confidant_id, Dossier.id)))


def mark_noticed(session: Session, dossier_ids: Sequence[int], today: date) -> None:
    for start in range(0, len(dossier_ids), BATCH):
        session.execute(update(Dossier).where(Dossier.id.in_(dossier_ids[start:start + BATCH]))
                        .values(retention_notice_on=today), execution_options={"synchronize_session": False})


def due_for_shredding(session: Session, today: date) -> list[int]:
    """Ids of the closed dossiers, not held, whose retention ended and whose notice is at least 30 days old."""
    return list(session.scalars(select(Dossier.id).where(
        *_kept_closed(), Dossier.retention_notice_on <= today - timedelta(days=NOTICE_DAYS),
        Dossier.closed_on <= closed_by(today)).order_by(Dossier.id)))


def shred(session: Session, dossier: Dossier, actor_id: int | None = None) -> bool:
    """Shred one closed dossier that no hold keeps; False when it was shredded already (twice changes nothing)."""
    if dossier.shredded_at is not None:
        return False
    if dossier.closed_on is None:
        raise RetentionRefused(_l("Een lopend dossier wordt niet vernietigd."))
    return bool(shred_many(session, [dossier.id], actor_id))


def shred_many(session: Session, dossier_ids: Sequence[int], actor_id: int | None = None) -> list[int]:
    """Shred the given closed dossiers that are still not shredded and held by no hold, a batch at a time; returns
    the ids shredded. Each shredding is in the audit log (``actor_id`` None: the daily job)."""
    shredded = []
    for start in range(0, len(dossier_ids), BATCH):
        ids = _lock_sheddable(session, dossier_ids[start:start + BATCH])
        if ids:
            _delete_secrets(session, ids)
            moment = now()
            session.execute(update(Dossier).where(Dossier.id.in_(ids)).values(
                requester_sealed=None, shredded_at=moment, updated_at=moment),
                execution_options={"synchronize_session": "fetch"})
            audit.record_many(session, actor_id, ids, Action.SHRED)
            shredded += ids
    return shredded


def _lock_sheddable(session: Session, ids: Iterable[int]) -> list[int]:
    """Lock the dossiers' rows first (a PAPSY setting a hold locks the row too), then read which may still be
    shredded: a hold committed while this ran is seen, so a held dossier is never shredded."""
    ids = list(ids)
    session.execute(select(Dossier.id).where(Dossier.id.in_(ids)).with_for_update()).all()
    return list(session.scalars(select(Dossier.id).where(Dossier.id.in_(ids), *_kept_closed()).order_by(Dossier.id)))


def _delete_secrets(session: Session, ids: list[int]) -> None:
    """Every ciphertext of these dossiers and every wrap of the keys that opened them."""
    summaries = select(EscalationSummary.id).where(EscalationSummary.dossier_id.in_(ids))
    consultations = select(Consultation.id).where(Consultation.dossier_id.in_(ids))
    for statement in (delete(SummaryShare).where(SummaryShare.summary_id.in_(summaries)),
                      delete(SummaryKey).where(SummaryKey.summary_id.in_(summaries)),
                      delete(EscalationSummary).where(EscalationSummary.dossier_id.in_(ids)),
                      delete(ConsultationKey).where(ConsultationKey.consultation_id.in_(consultations)),
                      delete(Consultation).where(Consultation.dossier_id.in_(ids)),
                      delete(DossierNote).where(DossierNote.dossier_id.in_(ids)),
                      delete(DossierKey).where(DossierKey.dossier_id.in_(ids))):
        session.execute(statement, execution_options={"synchronize_session": False})


@dataclass(frozen=True)
class RetentionView:
    """Where a dossier stands in its retention, for the pages: nothing of its content."""

    shred_on: date | None  # planned (closed, not shredded)
    notice_on: date | None
    hold: LegalHold | None
    shredded_at: datetime | None
    years: int

    @property
    def held(self) -> bool:
        return self.hold is not None


def view_of(session: Session, dossier: Dossier, today: date) -> RetentionView:
    years = retention_years()
    return RetentionView(planned_shredding(dossier, today, years), dossier.retention_notice_on,
                         active_hold(session, dossier.id) if dossier.closed_on else None, dossier.shredded_at, years)
