"""The PAPSY's consultation on a delicate case (R9). The take-up task's form is checked here (no consultation in
the future) and kept out of the workflow: what was agreed (the date, the advice, a follow-up) is sealed under a key
of its own for the confidant, the PAPSY who recorded it and the recovery key; the workflow hears only that the
consultation was recorded. The confidant reads it on the dossier page, the PAPSY on the task they completed."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import now
from app.crypto import contexts, keys, recovery, user_keys
from app.crypto.keys import CryptoError
from app.dossiers import audit
from app.dossiers.audit import Action
from app.dossiers import services as dossier_services
from app.engine.errors import InvalidData
from app.models import Task, User
from app.models.dossiers import Consultation, ConsultationKey, Dossier, ReaderKind
from app.workflow.checks import form_check
from app.workflow.keepers import data_keeper

FORM = "delicate_consultation"
FIELDS = ("consulted_on", "advice", "follow_up_on")


@dataclass(frozen=True)
class ConsultationView:
    """A recorded consultation as its reader sees it; ``sealed`` when this reader's key cannot open what was
    agreed (only who and when are shown then)."""

    papsy_name: str
    recorded_at: datetime
    sealed: bool
    consulted_on: date | None = None
    advice: str | None = None
    follow_up_on: date | None = None


@form_check(FORM)
def dates_are_possible(session: Session, entity_id: int, data: dict) -> dict[str, str]:
    """The consultation happened (not in the future); a follow-up is not agreed before it."""
    errors = {}
    consulted_on, follow_up_on = _date(data.get("consulted_on")), _date(data.get("follow_up_on"))
    if consulted_on and consulted_on > dossier_services.today():
        errors["consulted_on"] = str(_l("Het overleg kan niet in de toekomst liggen: geef de dag waarop u met de "
                                        "vertrouwenspersoon overlegde."))
    if consulted_on and follow_up_on and follow_up_on < consulted_on:
        errors["follow_up_on"] = str(_l("De opvolging kan niet voor het overleg liggen."))
    return errors


@data_keeper(FORM)
def keep_consultation(session: Session, papsy: User, task: Task, data: dict) -> dict:
    """What was agreed is sealed for its readers; the workflow hears only that it was recorded."""
    dossier = session.scalar(select(Dossier).where(Dossier.escalation_instance_id == task.instance_id))
    if dossier is None:
        raise InvalidData({"": str(_l("Het dossier van deze zaak bestaat niet meer."))})
    record(session, papsy, dossier, {field: data[field] for field in FIELDS if data.get(field)})
    return {"consultation_recorded": True}


def record(session: Session, papsy: User, dossier: Dossier, content: dict) -> Consultation:
    """Seal ``content`` under a new key, wrapped for the confidant, ``papsy`` and the recovery key; audited."""
    consultation = Consultation(dossier_id=dossier.id, papsy_id=papsy.id, recorded_at=now(), body_sealed=b"")
    session.add(consultation)
    session.flush()
    data_key = keys.new_data_key()
    consultation.body_sealed = keys.encrypt(data_key, json.dumps(content), contexts.consultation_text(dossier.id))
    session.add_all(ConsultationKey(consultation_id=consultation.id, reader=kind, reader_id=reader_id,
                                    wrapped=keys.wrap_key(public, data_key, contexts.consultation_key_for(
                                        consultation.id, kind, reader_id)))
                    for kind, reader_id, public in _readers(session, dossier, papsy))
    audit.record(session, papsy.id, dossier.id, Action.RECORD_CONSULTATION)
    return consultation


def read(session: Session, reader: User, dossier_id: int, private: bytes | None,
         kind: ReaderKind) -> ConsultationView | None:
    """The dossier's consultation opened with ``reader``'s key (the caller checked the policy); None when none was
    recorded. An opening is audited."""
    consultation = session.scalar(select(Consultation).where(Consultation.dossier_id == dossier_id))
    if consultation is None:
        return None
    papsy_name = session.get(User, consultation.papsy_id).name
    content = _open(session, consultation, reader, private, kind)
    if content is None:
        return ConsultationView(papsy_name, consultation.recorded_at, sealed=True)
    audit.record(session, reader.id, dossier_id, Action.READ_CONSULTATION)
    return ConsultationView(papsy_name, consultation.recorded_at, sealed=False,
                            consulted_on=_date(content.get("consulted_on")), advice=content.get("advice"),
                            follow_up_on=_date(content.get("follow_up_on")))


def _open(session: Session, consultation: Consultation, reader: User, private: bytes | None,
          kind: ReaderKind) -> dict | None:
    row = session.get(ConsultationKey, (consultation.id, kind.value, reader.id))
    if row is None or private is None:
        return None
    try:
        data_key = keys.unwrap_key(private, row.wrapped,
                                   contexts.consultation_key_for(consultation.id, kind, reader.id))
        return json.loads(keys.decrypt(data_key, consultation.body_sealed,
                                       contexts.consultation_text(consultation.dossier_id)))
    except CryptoError:
        return None  # wrapped for an earlier key pair of the reader (a password reset)


def _readers(session: Session, dossier: Dossier, papsy: User) -> list[tuple[str, int, bytes]]:
    """(kind, id, public key) of who may read the consultation: the confidant, the PAPSY, the recovery key."""
    readers = [(ReaderKind.OWNER.value, dossier.confidant_id, user_keys.public_key(session, dossier.confidant_id)),
               (ReaderKind.PAPSY.value, papsy.id, user_keys.public_key(session, papsy.id))]
    recovery_key = recovery.current(session)
    if recovery_key is not None:
        readers.append((ReaderKind.RECOVERY.value, recovery_key.id, recovery_key.public_key))
    return [(kind, reader_id, public) for kind, reader_id, public in readers if public is not None]


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
