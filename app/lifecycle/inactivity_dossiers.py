"""The dossiers a temporarily inactive confidant shares with their stand-in (R14 under R2): one dossier at a time,
with the requester's recorded consent, for a planned or running period. The keeper's key wraps the dossier's data key
for the stand-in (app/dossiers/sharing.py); the stand-in reads it, read-only, until the period ends or the keeper
stops sharing it, and every read is in the audit log."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.crypto import contexts, keys
from app.dossiers import audit, sharing
from app.dossiers.audit import Action
from app.dossiers.services import DossierRefused, NeedsRecovery, NoteView, NotYours, open_content, own_dossier, today
from app.models import (
    Confidant,
    ConfidantStatus,
    ConsentWay,
    Dossier,
    DossierKey,
    DossierShare,
    InactivityPeriod,
    ShareKind,
    User,
)
from app.models.dossiers import ReaderKind

CONSENT_WAYS = {ConsentWay.IN_PERSON: _l("in een gesprek"), ConsentWay.PHONE: _l("telefonisch"),
                ConsentWay.EMAIL: _l("per e-mail"), ConsentWay.WRITTEN: _l("schriftelijk")}


@dataclass(frozen=True)
class ShareOffer:
    """What a dossier's page offers its keeper: the period and stand-in to share it with, and the share if any."""

    period: InactivityPeriod
    stand_in: Confidant
    share: DossierShare | None


@dataclass(frozen=True)
class StandInRow:
    """A dossier the stand-in may read: its number, facts in clear, its keeper and until when."""

    dossier: Dossier
    keeper: str
    until: date


@dataclass(frozen=True)
class StandInView:
    dossier: Dossier
    requester: str
    notes: list[NoteView]
    keeper: str
    until: date


def share_offer(session: Session, user: User, dossier: Dossier) -> ShareOffer | None:
    """The keeper's soonest planned or running period with a stand-in, for this dossier; None without one."""
    if dossier.shredded_at is not None or not policy.can_share_with_stand_in(user, dossier):
        return None
    period = session.scalar(select(InactivityPeriod).join(Confidant, Confidant.id == InactivityPeriod.confidant_id)
                            .where(Confidant.user_id == user.id, *_lasting(), InactivityPeriod.stand_in_id.is_not(None))
                            .order_by(InactivityPeriod.starts_on).limit(1))
    if period is None or period.stand_in.user_id is None:
        return None
    share = session.scalar(select(DossierShare).where(
        DossierShare.dossier_id == dossier.id, DossierShare.inactivity_id == period.id,
        DossierShare.kind == ShareKind.STAND_IN, DossierShare.ended_at.is_(None)))
    return ShareOffer(period, period.stand_in, share)


def parse_consent(form) -> tuple[date | None, str | None, dict[str, str]]:
    """The consent's date and way as typed; an unreadable date is said beside its field."""
    raw_day, way = (form.get("consent_on") or "").strip()[:20], (form.get("consent_way") or "").strip()[:20]
    try:
        day = date.fromisoformat(raw_day) if raw_day else None
    except ValueError:
        return None, way or None, {"consent_on": str(_l("Geef de datum van de toestemming als dag, maand en jaar."))}
    return day, way or None, {}


def share(session: Session, user: User, private: bytes, dossier_id: int, period_id: int, consent_on: date | None,
          consent_way: str | None) -> Confidant:
    """The stand-in of the keeper's period may read the dossier from now until the period ends; returns them."""
    dossier = own_dossier(session, user, dossier_id)
    offer = share_offer(session, user, dossier)
    if offer is None or offer.period.id != period_id:
        raise DossierRefused(_l("U hebt geen geplande of lopende periode met een vervanger meer: er is niemand om "
                                "het dossier mee te delen."))
    stand_in = offer.stand_in
    if stand_in.status != ConfidantStatus.ACTIVE:
        raise DossierRefused(_l("%(name)s is zelf niet meer actief: het dossier wordt niet gedeeld.",
                                name=stand_in.name))
    sharing.share_with_stand_in(session, user, private, dossier.id, stand_in.user, consent_on, consent_way,
                                inactivity_id=offer.period.id)
    return stand_in


def stop_sharing(session: Session, user: User, dossier_id: int) -> int:
    """The keeper stops sharing the dossier (the requester took the consent back): the stand-in reads it no more.
    Returns how many shares ended (0: it was not shared)."""
    dossier = own_dossier(session, user, dossier_id)
    shares = list(session.scalars(select(DossierShare).where(
        DossierShare.dossier_id == dossier.id, DossierShare.kind == ShareKind.STAND_IN,
        DossierShare.ended_at.is_(None), DossierShare.from_user_id == user.id)))
    for active in shares:
        sharing.end_stand_in(session, active, user.id)
    return len(shares)


def shared_with(session: Session, user: User) -> list[StandInRow]:
    """The dossiers ``user`` may read as a stand-in now, the most recently opened first."""
    rows = session.execute(
        select(Dossier, Confidant.name, InactivityPeriod.ends_on)
        .join(DossierShare, DossierShare.dossier_id == Dossier.id)
        .join(InactivityPeriod, InactivityPeriod.id == DossierShare.inactivity_id)
        .join(Confidant, Confidant.id == InactivityPeriod.confidant_id)
        .where(DossierShare.to_user_id == user.id, DossierShare.kind == ShareKind.STAND_IN,
               DossierShare.ended_at.is_(None), Dossier.shredded_at.is_(None), *_lasting())
        .order_by(Dossier.opened_on.desc(), Dossier.id.desc()))
    return [StandInRow(dossier, name, until) for dossier, name, until in rows]


def read(session: Session, user: User, dossier_id: int, private: bytes) -> StandInView:
    """A shared dossier opened with the stand-in's own wrap of its key; the read is audited. Anything else is
    NotYours, the same answer as for a dossier that does not exist."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or dossier.shredded_at is not None \
            or not policy.can_read_as_stand_in(session, user, dossier_id):
        raise NotYours()
    row = session.get(DossierKey, (dossier.id, ReaderKind.STAND_IN.value, user.id))
    if row is None:
        raise NotYours()
    try:
        data_key = keys.unwrap_key(private, row.wrapped,
                                   contexts.data_key_for(dossier.id, ReaderKind.STAND_IN, user.id))
    except keys.CryptoError as exc:
        raise NeedsRecovery() from exc
    requester, notes = open_content(session, dossier, data_key)
    audit.record(session, user.id, dossier.id, Action.READ)
    period = session.scalar(
        select(InactivityPeriod).join(DossierShare, DossierShare.inactivity_id == InactivityPeriod.id)
        .where(DossierShare.dossier_id == dossier.id, DossierShare.to_user_id == user.id,
               DossierShare.ended_at.is_(None)).limit(1))
    return StandInView(dossier, requester, notes, period.confidant.name, period.ends_on)


def _lasting() -> tuple:
    """Conditions on InactivityPeriod: planned or running (not called off, not ended, its last day not past)."""
    return (InactivityPeriod.cancelled_at.is_(None), InactivityPeriod.ended_on.is_(None),
            InactivityPeriod.ends_on >= today())
