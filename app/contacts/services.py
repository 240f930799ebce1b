"""The contacts between confidants and their PAPSY (R21): when and what kind, never what was said (there is no field
for it). A confidant logs theirs with one of their entity's PAPSY; a PAPSY logs one with a confidant of their
entities; both see the contact. They count in the annual evaluation (``contacts_per_confidant``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.dossiers.services import today
from app.engine.errors import InvalidData, NotAllowed
from app.models import Confidant, ConfidantStatus, PapsyContact, Role, User
from app.models.people import papsy_assignment

KINDS = {
    "consultation": _l("Overleg"),
    "phone": _l("Telefoongesprek"),
    "mail": _l("Mail"),
    "meeting": _l("Vergadering"),
    "intervision_follow_up": _l("Opvolging na intervisie"),
    "risk_analysis": _l("Psychosociale risicoanalyse"),
    "wellbeing_group": _l("Werkgroep welzijn"),
}
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class ContactInput:
    held_on: date
    kind: str
    other_id: int  # the PAPSY's user id (logged by a confidant) or the confidant's id (logged by a PAPSY)


@dataclass(frozen=True)
class ContactRow:
    held_on: date
    kind: str
    confidant: str
    papsy: str
    recorded_by: str


def contacts_per_confidant(session: Session, entity_id: int, year: int) -> dict[int, int]:
    """Confidant id -> the number of their contacts with the PAPSY in that calendar year (the evaluation's count)."""
    rows = session.execute(select(PapsyContact.confidant_id, func.count()).where(
        PapsyContact.entity_id == entity_id, extract("year", PapsyContact.held_on) == year)
        .group_by(PapsyContact.confidant_id))
    return {confidant_id: count for confidant_id, count in rows}


def parse_contact(form) -> tuple[ContactInput | None, dict[str, str], dict[str, str]]:
    values = {name: (form.get(name) or "").strip()[:30] for name in ("held_on", "kind", "with")}
    errors: dict[str, str] = {}
    try:
        held_on: date | None = date.fromisoformat(values["held_on"])
    except ValueError:
        held_on = None
    if held_on is None:
        errors["held_on"] = str(_l("Geef de datum van het contact."))
    elif held_on > today():
        errors["held_on"] = str(_l("Een contact kan niet in de toekomst liggen."))
    elif held_on < EARLIEST:
        errors["held_on"] = str(_l("Geef een datum na 1 januari 2000."))
    if values["kind"] not in KINDS:
        errors["kind"] = str(_l("Kies de aard van het contact."))
    other = values["with"]
    if not (other.isascii() and other.isdigit() and 0 < int(other) < 2**31):
        errors["with"] = str(_l("Kies met wie u contact had."))
    if errors:
        return None, values, errors
    return ContactInput(held_on, values["kind"], int(other)), values, {}


def log_contact(session: Session, user: User, given: ContactInput) -> PapsyContact:
    """A contact logged by a confidant (with one of their entity's PAPSY) or by a PAPSY (with a confidant of their
    entities); anyone else is refused, and a partner outside those choices is a message on the field."""
    keeper = policy.register_keeper(session, user) if policy.can_keep_register(user) else None
    if user.has_role(Role.PAPSY) and keeper is None:
        confidant = session.get(Confidant, given.other_id)
        if confidant is None or (confidant.id, confidant.name) not in confidant_choices(session, user):
            raise InvalidData({"with": str(_l("Kies een vertrouwenspersoon van uw entiteiten."))})
        papsy_id = user.id
    elif keeper is not None:
        confidant = keeper
        if given.other_id not in {papsy_id for papsy_id, _name in papsy_choices(session, keeper)}:
            raise InvalidData({"with": str(_l("Kies een PAPSY van uw entiteit."))})
        papsy_id = given.other_id
    else:
        raise NotAllowed(str(_l("Contacten met de PAPSY houden vertrouwenspersonen en PAPSY bij.")))
    contact = PapsyContact(confidant_id=confidant.id, papsy_id=papsy_id, entity_id=confidant.entity_id,
                           held_on=given.held_on, kind=given.kind, recorded_by_id=user.id)
    session.add(contact)
    session.flush()
    return contact


def papsy_choices(session: Session, keeper: Confidant) -> list[tuple[int, str]]:
    """The PAPSY of the confidant's entity."""
    return [(row.id, row.name) for row in session.execute(select(User.id, User.name).join(
        papsy_assignment, papsy_assignment.c.user_id == User.id).where(
        papsy_assignment.c.entity_id == keeper.entity_id, User.active.is_(True)).order_by(User.name))]


def confidant_choices(session: Session, user: User) -> list[tuple[int, str]]:
    """The confidants (active or temporarily inactive) of the PAPSY's entities."""
    entity_ids = policy.contact_entity_ids(session, user)
    if not entity_ids:
        return []
    return [(row.id, row.name) for row in session.execute(select(Confidant.id, Confidant.name).where(
        Confidant.entity_id.in_(entity_ids), Confidant.status != ConfidantStatus.FORMER)
        .order_by(Confidant.name))]


def contacts_for(session: Session, user: User, confidant_id: int | None, year: int | None) -> list[ContactRow]:
    """The contacts a user sees, newest first: a confidant their own, a PAPSY their entities' confidants' (of one
    confidant and one year when asked)."""
    keeper = policy.register_keeper(session, user) if policy.can_keep_register(user) else None
    query = select(PapsyContact)
    if keeper is not None and not user.has_role(Role.PAPSY):
        query = query.where(PapsyContact.confidant_id == keeper.id)
    else:
        entity_ids = policy.contact_entity_ids(session, user)
        if not entity_ids:
            raise NotAllowed(str(_l("Contacten met de PAPSY houden vertrouwenspersonen en PAPSY bij.")))
        query = query.where(PapsyContact.entity_id.in_(entity_ids))
        if confidant_id is not None:
            query = query.where(PapsyContact.confidant_id == confidant_id)
    if year is not None:
        query = query.where(extract("year", PapsyContact.held_on) == year)
    contacts = list(session.scalars(query.order_by(PapsyContact.held_on.desc(), PapsyContact.id.desc()).limit(500)))
    names = _names(session, contacts)
    return [ContactRow(contact.held_on, str(KINDS.get(contact.kind, contact.kind)),
                       names["confidant"].get(contact.confidant_id, ""), names["user"].get(contact.papsy_id, ""),
                       names["user"].get(contact.recorded_by_id, "")) for contact in contacts]


def _names(session: Session, contacts: list[PapsyContact]) -> dict[str, dict[int, str]]:
    confidant_ids = {contact.confidant_id for contact in contacts}
    user_ids = {uid for contact in contacts for uid in (contact.papsy_id, contact.recorded_by_id) if uid}
    confidants = dict(session.execute(select(Confidant.id, Confidant.name).where(Confidant.id.in_(confidant_ids))).all()) if confidant_ids else {}
    users = dict(session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all()) if user_ids else {}
    return {"confidant": confidants, "user": users}
