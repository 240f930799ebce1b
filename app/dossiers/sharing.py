"""Sharing a dossier with another person, only with the requester's recorded consent (R2): the keeper hands it
over to the next keeper (R19), or lets a stand-in read it during an inactivity period (R14).

Either way the keeper's own key opens the dossier's data key while they are signed in, and wraps it for the
receiver's public key: nothing unattended can share a dossier, and the server never holds a key that opens it.
A hand-over moves the dossier (its key, and the keeper's keys of a delicate case's summary and consultation) to
the receiver; the former keeper's wraps are deleted. A stand-in gets a wrap of their own, deleted at the end of
the period (``end_stand_in``). Every sharing is in the audit log.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.clock import now
from app.crypto import contexts, keys, user_keys
from app.dossiers import audit, summary_sharing
from app.dossiers.audit import Action
from app.dossiers.services import DossierRefused, NotYours, owner_data_key, own_dossier, today
from app.models import User
from app.models.dossiers import (
    Consultation,
    ConsultationKey,
    Dossier,
    DossierKey,
    EscalationSummary,
    ReaderKind,
    SummaryKey,
    SummaryShare,
)
from app.models.lifecycle import ConsentWay, DossierShare, ShareKind


def check_consent(dossier: Dossier, consent_on: date | None, consent_way: str | None) -> None:
    """The requester's consent must be recorded: when (not before the dossier was opened, not in the future) and
    how it was given. Without it, nothing is shared."""
    if consent_on is None:
        raise DossierRefused(_l("Zonder de toestemming van de verzoeker wordt een dossier niet gedeeld. Vraag de "
                                "toestemming en geef de datum op waarop de verzoeker ze gaf."), "consent_on")
    if consent_way not in ConsentWay._value2member_map_:
        raise DossierRefused(_l("Geef aan hoe de verzoeker de toestemming gaf."), "consent_way")
    if consent_on > today():
        raise DossierRefused(_l("De toestemming kan niet in de toekomst liggen."), "consent_on")
    if consent_on < dossier.opened_on:
        raise DossierRefused(_l("De toestemming kan niet dateren van voor het dossier geopend werd."), "consent_on")


def hand_over(session: Session, keeper: User, private: bytes, dossier_id: int, receiver: User,
              consent_on: date | None, consent_way: str | None, role_ending_id: int | None = None) -> DossierShare:
    """The dossier becomes ``receiver``'s: its key (and the keeper's keys of its summary and consultation) wrapped
    for them, the keeper's wraps deleted. The caller checked that ``receiver`` may receive it."""
    dossier = _shareable(session, keeper, dossier_id)
    check_consent(dossier, consent_on, consent_way)
    receiver_public = _public_key_of(session, receiver)
    data_key = owner_data_key(session, dossier, keeper, private)
    _rewrap(session, DossierKey, DossierKey.dossier_id, dossier.id, keeper, receiver, receiver_public,
            data_key, contexts.data_key_for)
    _move_owned_keys(session, dossier, keeper, private, receiver, receiver_public)
    for stand_in in session.scalars(select(DossierShare).where(
            DossierShare.dossier_id == dossier.id, DossierShare.kind == ShareKind.STAND_IN,
            DossierShare.ended_at.is_(None))):
        end_stand_in(session, stand_in, keeper.id)  # the next keeper decides anew whom to share with
    dossier.confidant_id, dossier.updated_at = receiver.id, now()
    share = _record(session, dossier, ShareKind.HANDOVER, keeper, receiver, consent_on, consent_way,
                    role_ending_id=role_ending_id)
    audit.record(session, keeper.id, dossier.id, Action.HANDOVER)
    return share


def share_with_stand_in(session: Session, keeper: User, private: bytes, dossier_id: int, stand_in: User,
                        consent_on: date | None, consent_way: str | None, inactivity_id: int) -> DossierShare:
    """``stand_in`` may read the dossier until ``end_stand_in``; the keeper keeps it."""
    dossier = _shareable(session, keeper, dossier_id)
    check_consent(dossier, consent_on, consent_way)
    if active_share(session, dossier.id, stand_in.id) is not None:
        raise DossierRefused(_l("Dit dossier is al gedeeld met deze vervanger."))
    public = _public_key_of(session, stand_in)
    data_key = owner_data_key(session, dossier, keeper, private)
    session.merge(DossierKey(dossier_id=dossier.id, reader=ReaderKind.STAND_IN, reader_id=stand_in.id,
                             wrapped=keys.wrap_key(public, data_key, contexts.data_key_for(
                                 dossier.id, ReaderKind.STAND_IN, stand_in.id))))
    share = _record(session, dossier, ShareKind.STAND_IN, keeper, stand_in, consent_on, consent_way,
                    inactivity_id=inactivity_id)
    audit.record(session, keeper.id, dossier.id, Action.SHARE_STAND_IN)
    return share


def end_stand_in(session: Session, share: DossierShare, actor_id: int | None = None) -> None:
    """The stand-in's wrap is deleted: they read the dossier no more. Twice changes nothing."""
    if share.kind != ShareKind.STAND_IN or share.ended_at is not None:
        return
    session.execute(delete(DossierKey).where(DossierKey.dossier_id == share.dossier_id,
                                             DossierKey.reader == ReaderKind.STAND_IN,
                                             DossierKey.reader_id == share.to_user_id))
    share.ended_at = now()
    audit.record(session, actor_id, share.dossier_id, Action.END_STAND_IN)


def active_share(session: Session, dossier_id: int, user_id: int) -> DossierShare | None:
    """The stand-in share through which ``user_id`` reads the dossier now, if any."""
    return session.scalar(select(DossierShare).where(
        DossierShare.dossier_id == dossier_id, DossierShare.to_user_id == user_id,
        DossierShare.kind == ShareKind.STAND_IN, DossierShare.ended_at.is_(None)))


def shares_of(session: Session, dossier_id: int) -> list[DossierShare]:
    return list(session.scalars(select(DossierShare).where(DossierShare.dossier_id == dossier_id)
                                .order_by(DossierShare.shared_at, DossierShare.id)))


def _shareable(session: Session, keeper: User, dossier_id: int) -> Dossier:
    dossier = own_dossier(session, keeper, dossier_id)
    if dossier.shredded_at is not None:
        raise NotYours()
    return dossier


def _public_key_of(session: Session, receiver: User) -> bytes:
    public = user_keys.public_key(session, receiver.id)
    if public is None or not receiver.active:
        raise DossierRefused(_l("%(name)s heeft nog geen sleutel (de eerste aanmelding is nog niet gebeurd): het "
                                "dossier kan nog niet voor hen versleuteld worden.", name=receiver.name))
    return public


def _rewrap(session: Session, model, parent_column, parent_id: int, keeper: User, receiver: User,
            receiver_public: bytes, data_key: bytes, context) -> None:
    """The OWNER wrap of ``parent_id`` moves from ``keeper`` to ``receiver``."""
    session.execute(delete(model).where(parent_column == parent_id, model.reader == ReaderKind.OWNER))
    session.add(model(**{parent_column.key: parent_id}, reader=ReaderKind.OWNER, reader_id=receiver.id,
                      wrapped=keys.wrap_key(receiver_public, data_key,
                                            context(parent_id, ReaderKind.OWNER, receiver.id))))
    session.flush()


def _move_owned_keys(session: Session, dossier: Dossier, keeper: User, private: bytes, receiver: User,
                     receiver_public: bytes) -> None:
    """A delicate case's summary and consultation follow the dossier to its next keeper."""
    summary = session.scalar(select(EscalationSummary).where(EscalationSummary.dossier_id == dossier.id))
    if summary is not None:
        # A PAPSY who took the late case up and waits for the summary gets it now, with the keeper's key; what
        # cannot be shared now waits for the next keeper's key.
        summary_sharing.share_pending(session, keeper, private, summary.id)
        session.execute(update(SummaryShare).where(SummaryShare.summary_id == summary.id,
                                                   SummaryShare.shared_at.is_(None)).values(confidant_id=receiver.id),
                        execution_options={"synchronize_session": False})
        _move_one(session, SummaryKey, SummaryKey.summary_id, summary.id, keeper, private, receiver,
                  receiver_public, contexts.summary_key_for)
    consulted = session.scalar(select(Consultation).where(Consultation.dossier_id == dossier.id))
    if consulted is not None:
        _move_one(session, ConsultationKey, ConsultationKey.consultation_id, consulted.id, keeper, private,
                  receiver, receiver_public, contexts.consultation_key_for)


def _move_one(session: Session, model, parent_column, parent_id: int, keeper: User, private: bytes,
              receiver: User, receiver_public: bytes, context) -> None:
    row = session.get(model, (parent_id, ReaderKind.OWNER.value, keeper.id))
    if row is None:
        return
    try:
        key = keys.unwrap_key(private, row.wrapped, context(parent_id, ReaderKind.OWNER, keeper.id))
    except keys.CryptoError:
        return  # sealed for an earlier key pair of the keeper: the recovery procedure can still open it
    _rewrap(session, model, parent_column, parent_id, keeper, receiver, receiver_public, key, context)


def _record(session: Session, dossier: Dossier, kind: ShareKind, keeper: User, receiver: User, consent_on: date,
            consent_way: str, **link) -> DossierShare:
    share = DossierShare(dossier_id=dossier.id, kind=kind, from_user_id=keeper.id, to_user_id=receiver.id,
                         consent_on=consent_on, consent_way=consent_way, shared_at=now(), **link)
    session.add(share)
    session.flush()
    return share
