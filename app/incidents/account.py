"""The confidant's anonymised account of the year's repeated incidents (R8): sealed under a key of its own for the
confidant, the entity's PAPSY and the recovery key (app/crypto/sealed_texts.py), as the summary of a delicate case
(R9) is. The task form's keeper seals it; the workflow hears only whether one was written and how many dossiers it
is about. Every write and read is in the audit log, by the sharing's id."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.crypto import sealed_texts
from app.dossiers import audit
from app.dossiers.audit import Action
from app.engine.errors import InvalidData
from app.incidents.services import repeated_dossiers
from app.lifecycle.resignation_mail import papsy_of
from app.models import Confidant, IncidentSharing, SealedText, Task, User
from app.models.dossiers import ReaderKind
from app.workflow.keepers import data_keeper

FORM = "incident_account"
PURPOSE = "r8_account"
NO_PAPSY_KEY = _l("De PAPSY van uw entiteit heeft nog geen sleutel (nog niet aangemeld), zodat uw verslag niet voor "
                  "hem of haar versleuteld kan worden. Neem contact op met de GDPB en probeer het later opnieuw.")


def sharing_of(session: Session, instance_id: int) -> IncidentSharing | None:
    return session.scalar(select(IncidentSharing).where(IncidentSharing.instance_id == instance_id))


def confidant_user_id(session: Session, sharing: IncidentSharing) -> int | None:
    return session.scalar(select(Confidant.user_id).where(Confidant.id == sharing.confidant_id))


@data_keeper(FORM)
def keep_account(session: Session, user: User, task: Task, data: dict) -> dict:
    """Seal the account for its readers; an empty one only when no dossier of the year was marked."""
    sharing = sharing_of(session, task.instance_id)
    if sharing is None or not policy.can_write_incident_account(user, confidant_user_id(session, sharing)):
        raise InvalidData({"account": str(_l("Alleen de vertrouwenspersoon zelf schrijft dit verslag."))})
    text = str(data.get("account") or "").strip()
    count = len(repeated_dossiers(session, user.id, sharing.year))
    if not text and count:
        raise InvalidData({"account": str(_l(
            "U duidde %(count)d dossier(s) van %(year)d aan als herhaald incident: schrijf er een geanonimiseerd "
            "verslag over voor de PAPSY.", count=count, year=sharing.year))})
    if text:
        seal_account(session, user, sharing, text)
    sharing.dossier_count = count
    return {"account_written": bool(text), "dossier_count": count}


def seal_account(session: Session, confidant: User, sharing: IncidentSharing, text: str) -> None:
    """Seal (or seal anew) the account for the confidant, the entity's PAPSY and the recovery key; audited.
    Refused when no PAPSY of the entity has a key yet: the text would reach nobody."""
    papsy_ids = [person.id for person in papsy_of(session, sharing.entity_id)]
    readers, _missing = sealed_texts.readers_for(session, confidant.id, papsy_ids)
    if not any(kind == ReaderKind.PAPSY.value for kind, _id, _public in readers):
        raise InvalidData({"account": str(NO_PAPSY_KEY)})
    into = session.get(SealedText, sharing.account_id) if sharing.account_id else None
    sealed = sealed_texts.seal(session, PURPOSE, text, readers, into=into)
    sharing.account_id = sealed.id
    audit.record(session, confidant.id, None, f"{Action.WRITE_INCIDENT_ACCOUNT} {sharing.id}")


def read_account(session: Session, reader: User, sharing: IncidentSharing, private: bytes | None,
                 kind: str = ReaderKind.PAPSY.value) -> str | None:
    """The account opened with ``reader``'s key (the caller checked the policy); None when there is none for them or
    the key is not at hand. Audited when opened."""
    if sharing.account_id is None or private is None:
        return None
    text = sealed_texts.open_text(session, sharing.account_id, kind, reader.id, private)
    if text is not None:
        audit.record(session, reader.id, None, f"{Action.READ_INCIDENT_ACCOUNT} {sharing.id}")
    return text


def sealed_for(session: Session, reader: User, sharing: IncidentSharing, kind: str = ReaderKind.PAPSY.value) -> bool:
    return sharing.account_id is not None and sealed_texts.can_open(session, sharing.account_id, kind, reader.id)
