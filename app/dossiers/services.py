"""Registering and reading dossiers (R3-R6) under professional secrecy (R2).

The categorical facts are stored in clear (reports, R6-R7); the requester's name and the notes are sealed
under the dossier's data key, which is wrapped for its confidant and for the GDPB recovery key. Opening
confidential content needs the confidant's private key (held for the session) and leaves an audit entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.crypto import contexts, keys, recovery, user_keys
from app.dossiers import audit, consultation, escalation
from app.dossiers.audit import Action
from app.mail.outbox import current_settings
from app.models import User
from app.models.dossiers import (
    NEEDS_CONSENT,
    Dossier,
    DossierFact,
    DossierKey,
    DossierNote,
    EscalationState,
    FactKind,
    ReaderKind,
)

SHREDDED = _l("Dit dossier werd na de bewaartermijn vernietigd: er kan niets meer aan gewijzigd of toegevoegd worden.")
FACT_FIELDS = {"themes": FactKind.THEME, "persons": FactKind.PERSON, "interventions": FactKind.INTERVENTION}


class DossierRefused(ValueError):
    """A refused change, with the field it concerns (None: the whole form) and a message for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message, self.field = message, field


class Shredded(DossierRefused):
    """The dossier was crypto-shredded after its retention period (M27): nothing can be written into it."""


class NotYours(LookupError):
    """No such dossier for this user: the same answer whether it exists or not."""


class NeedsRecovery(Exception):
    """The dossier's key was wrapped for an earlier key pair of its confidant (an admin reset the password)."""


@dataclass(frozen=True)
class NoteView:
    written_at: object
    text: str


@dataclass(frozen=True)
class DossierView:
    dossier: Dossier
    requester: str
    notes: list[NoteView]
    consultation: consultation.ConsultationView | None = None  # a delicate case's, once the PAPSY recorded it
    shredded: bool = False  # crypto-shredded after its retention period (M27): its categorical facts only


def today() -> date:
    """Today where the confidants live (the display time zone): the date rules compare with it."""
    return now().astimezone(ZoneInfo(current_settings().display_timezone)).date()


def check_rules(data: dict) -> None:
    """R4: an intervention or a conciliation needs the requester's recorded consent."""
    asked = set(data.get("interventions") or []) & NEEDS_CONSENT
    if asked and not data.get("consent_given"):
        raise DossierRefused(_l("Een tussenkomst of verzoening kan alleen met de toestemming van de verzoeker. "
                                "Vink de toestemming aan en geef de datum op."), "consent_given")
    if data.get("consent_given") and not data.get("consent_on"):
        raise DossierRefused(_l("Geef de datum van de toestemming op."), "consent_on")
    if data.get("consent_on") and data["consent_on"] > today():
        raise DossierRefused(_l("De toestemming kan niet in de toekomst liggen."), "consent_on")
    if data.get("opened_on") and data["opened_on"] > today():
        raise DossierRefused(_l("Een dossier kan niet in de toekomst geopend worden."), "opened_on")


def register(session: Session, confidant: User, data: dict) -> Dossier:
    """A new dossier for ``confidant`` from checked form data (dates as date objects)."""
    if not policy.can_keep_dossiers(confidant):
        raise NotYours()
    check_rules(data)
    owner_public = user_keys.public_key(session, confidant.id)
    recovery_key = recovery.current(session)
    if owner_public is None:
        raise DossierRefused(_l("U hebt nog geen sleutel: meld u af en opnieuw aan."))
    if recovery_key is None:
        raise DossierRefused(_l("De herstelsleutel van de GDPB ontbreekt nog; vraag de beheerder "
                                "'vertrouwd recovery init' uit te voeren."))
    dossier = Dossier(confidant_id=confidant.id, entity_id=confidant.entity_id, created_at=now(), updated_at=now())
    _apply_facts(dossier, data)
    session.add(dossier)
    session.flush()
    data_key = keys.new_data_key()
    session.add_all([
        DossierKey(dossier_id=dossier.id, reader=ReaderKind.OWNER, reader_id=confidant.id,
                   wrapped=keys.wrap_key(owner_public, data_key,
                                         contexts.data_key_for(dossier.id, ReaderKind.OWNER, confidant.id))),
        DossierKey(dossier_id=dossier.id, reader=ReaderKind.RECOVERY, reader_id=recovery_key.id,
                   wrapped=keys.wrap_key(recovery_key.public_key, data_key,
                                         contexts.data_key_for(dossier.id, ReaderKind.RECOVERY, recovery_key.id)))])
    _seal_content(session, dossier, data_key, data)
    audit.record(session, confidant.id, dossier.id, Action.REGISTER)
    escalation.escalate_if_delicate(session, dossier, confidant)
    return dossier


def update(session: Session, confidant: User, dossier_id: int, private: bytes, data: dict) -> Dossier:
    dossier = kept_dossier(session, confidant, dossier_id)
    check_rules(data)
    _apply_facts(dossier, data)
    dossier.updated_at = now()
    if data.get("requester") is not None or data.get("note"):
        data_key = owner_data_key(session, dossier, confidant, private)
        _seal_content(session, dossier, data_key, data)
    audit.record(session, confidant.id, dossier.id, Action.UPDATE)
    escalation.escalate_if_delicate(session, dossier, confidant)
    return dossier


def add_note(session: Session, confidant: User, dossier_id: int, private: bytes, text: str) -> None:
    dossier = kept_dossier(session, confidant, dossier_id)
    data_key = owner_data_key(session, dossier, confidant, private)
    _seal_content(session, dossier, data_key, {"note": text})
    dossier.updated_at = now()
    audit.record(session, confidant.id, dossier.id, Action.ADD_NOTE)


def close(session: Session, confidant: User, dossier_id: int, closed_on: date, outcome: str) -> Dossier:
    dossier = kept_dossier(session, confidant, dossier_id)
    if closed_on < dossier.opened_on:
        raise DossierRefused(_l("Een dossier kan niet afgesloten worden voor het geopend werd."), "closed_on")
    if closed_on > today():
        raise DossierRefused(_l("Een dossier kan niet in de toekomst afgesloten worden."), "closed_on")
    if dossier.delicate and dossier.escalation_state != EscalationState.CONSULTED:
        raise DossierRefused(_l("Dit is een delicate zaak: u kunt het dossier pas afsluiten nadat de PAPSY de zaak "
                                "opnam en het overleg vastlegde."))
    dossier.closed_on, dossier.outcome, dossier.updated_at = closed_on, outcome, now()
    audit.record(session, confidant.id, dossier.id, Action.UPDATE)
    return dossier


def read(session: Session, confidant: User, dossier_id: int, private: bytes) -> DossierView:
    """The dossier with its confidential content opened; the read is audited. A shredded dossier has no content
    and no key left: its categorical facts only, and nothing to audit."""
    dossier = own_dossier(session, confidant, dossier_id)
    if dossier.shredded_at is not None:
        return DossierView(dossier, "", [], shredded=True)
    data_key = owner_data_key(session, dossier, confidant, private)
    requester, notes = open_content(session, dossier, data_key)
    audit.record(session, confidant.id, dossier.id, Action.READ)
    consulted = consultation.read(session, confidant, dossier.id, private, ReaderKind.OWNER) if dossier.delicate else None
    return DossierView(dossier, requester, notes, consulted)


def open_content(session: Session, dossier: Dossier, data_key: bytes) -> tuple[str, list[NoteView]]:
    """The requester's name and the notes, opened with the dossier's data key (the caller audits the read)."""
    requester = keys.decrypt(data_key, dossier.requester_sealed, contexts.dossier_field(dossier.id, "requester")) \
        if dossier.requester_sealed else ""
    note_place = contexts.dossier_field(dossier.id, "note")
    notes = [NoteView(note.written_at, keys.decrypt(data_key, note.body_sealed, note_place))
             for note in session.scalars(select(DossierNote).where(DossierNote.dossier_id == dossier.id)
                                         .order_by(DossierNote.written_at, DossierNote.id))]
    return requester, notes


def recover_data_key(session: Session, dossier_id: int, recovery_private: bytes) -> bytes:
    """The data key through the GDPB recovery key (for the recovery process, with the offline key file)."""
    for row in session.scalars(select(DossierKey).where(DossierKey.dossier_id == dossier_id,
                                                        DossierKey.reader == ReaderKind.RECOVERY)):
        try:
            return keys.unwrap_key(recovery_private, row.wrapped,
                                   contexts.data_key_for(dossier_id, ReaderKind.RECOVERY, row.reader_id))
        except keys.CryptoError:
            continue
    raise NeedsRecovery()


def own_dossier(session: Session, user: User, dossier_id: int) -> Dossier:
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or not policy.can_open_dossier(user, dossier.confidant_id):
        raise NotYours()
    return dossier


def kept_dossier(session: Session, user: User, dossier_id: int) -> Dossier:
    """``own_dossier``, refused once it was shredded: nothing can be written into it any more."""
    dossier = own_dossier(session, user, dossier_id)
    if dossier.shredded_at is not None:
        raise Shredded(SHREDDED)
    return dossier


def search_requester(session: Session, confidant: User, private: bytes, needle: str, limit: int = 2000) -> list[int]:
    """Ids of the confidant's dossiers whose requester contains ``needle`` (case-insensitive). The names are
    sealed, so they are opened here one by one; the search is audited once, without the term."""
    needle = needle.strip().casefold()
    if not needle or not policy.can_hold_dossiers(confidant):
        return []
    found = []
    rows = session.execute(
        select(Dossier.id, Dossier.requester_sealed, DossierKey.wrapped)
        .join(DossierKey, (DossierKey.dossier_id == Dossier.id) & (DossierKey.reader == ReaderKind.OWNER)
              & (DossierKey.reader_id == confidant.id))
        .where(Dossier.confidant_id == confidant.id, Dossier.requester_sealed.is_not(None))
        .order_by(Dossier.id.desc()).limit(limit))
    for dossier_id, sealed, wrapped in rows:
        try:
            data_key = keys.unwrap_key(private, wrapped,
                                       contexts.data_key_for(dossier_id, ReaderKind.OWNER, confidant.id))
            if needle in keys.decrypt(data_key, sealed, contexts.dossier_field(dossier_id, "requester")).casefold():
                found.append(dossier_id)
        except keys.CryptoError:
            continue  # sealed for an earlier key pair: needs the recovery procedure
    audit.record(session, confidant.id, None, Action.SEARCH)
    return found


def _apply_facts(dossier: Dossier, data: dict) -> None:
    dossier.opened_on = data["opened_on"]
    dossier.consent_given = bool(data.get("consent_given"))
    dossier.consent_on = data.get("consent_on") if dossier.consent_given else None
    dossier.referred_formal = bool(data.get("referred_formal"))
    dossier.repeated_incident = bool(data.get("repeated_incident"))
    kept = [fact for fact in dossier.facts if fact.kind == FactKind.DELICATE_REASON]  # once delicate, stays so
    dossier.facts = kept + [DossierFact(kind=kind, value=value)
                            for field, kind in FACT_FIELDS.items() for value in data.get(field) or []]


def _seal_content(session: Session, dossier: Dossier, data_key: bytes, data: dict) -> None:
    if data.get("requester") is not None:
        requester = data["requester"].strip()
        place = contexts.dossier_field(dossier.id, "requester")
        dossier.requester_sealed = keys.encrypt(data_key, requester, place) if requester else None
    if data.get("note"):
        session.add(DossierNote(dossier_id=dossier.id, written_at=now(),
                                body_sealed=keys.encrypt(data_key, data["note"],
                                                         contexts.dossier_field(dossier.id, "note"))))


def owner_data_key(session: Session, dossier: Dossier, user: User, private: bytes) -> bytes:
    """The dossier's data key, opened with its keeper's private key."""
    row = session.get(DossierKey, (dossier.id, ReaderKind.OWNER.value, user.id))
    if row is None:
        raise NotYours()
    try:
        return keys.unwrap_key(private, row.wrapped, contexts.data_key_for(dossier.id, ReaderKind.OWNER, user.id))
    except keys.CryptoError as exc:
        raise NeedsRecovery() from exc

