"""The entities' prevention-unit accounts (IDEWE, R12.2): a balance is the sum of its lines. Units bought are
credited by a PAPSY of the entity; an approved IDEWE registration debits its cost, a withdrawal refunds it.

Debiting locks the entity's row first (SELECT ... FOR UPDATE on PostgreSQL; SQLite lets one writer at a time), so
two approvals at once cannot both spend the last units."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.engine.errors import InvalidData, NotAllowed
from app.models import Entity, PreventionUnitEntry, User

CREDIT, REGISTRATION, REFUND = "credit", "registration", "refund"
MAX_CREDIT = 100_000
NOTE_LIMIT = 200


class NotEnoughUnits(Exception):
    def __init__(self, balance: int, needed: int) -> None:
        super().__init__(f"balance {balance}, needed {needed}")
        self.balance, self.needed = balance, needed


def balance(session: Session, entity_id: int) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(PreventionUnitEntry.delta), 0))
                              .where(PreventionUnitEntry.entity_id == entity_id)) or 0)


def history(session: Session, entity_id: int) -> list[PreventionUnitEntry]:
    return list(session.scalars(select(PreventionUnitEntry).where(PreventionUnitEntry.entity_id == entity_id)
                                .order_by(PreventionUnitEntry.created_at.desc(), PreventionUnitEntry.id.desc())))


def lock_entity(session: Session, entity_id: int) -> Entity:
    """The entity's row, locked until the transaction ends: the account's writers queue behind each other."""
    entity = session.scalar(select(Entity).where(Entity.id == entity_id).with_for_update(of=Entity))
    if entity is None:
        raise LookupError("no such entity")
    return entity


def debit(session: Session, entity_id: int, units: int, participant_id: int, actor: User) -> PreventionUnitEntry:
    """Spend ``units`` on a registration; NotEnoughUnits (nothing written) when the balance is short."""
    lock_entity(session, entity_id)
    available = balance(session, entity_id)
    if available < units:
        raise NotEnoughUnits(available, units)
    return _entry(session, entity_id, -units, REGISTRATION, actor, participant_id=participant_id)


def refund(session: Session, entity_id: int, units: int, participant_id: int, actor: User | None) -> PreventionUnitEntry:
    lock_entity(session, entity_id)
    return _entry(session, entity_id, units, REFUND, actor, participant_id=participant_id)


def entities_for(user: User) -> list[Entity]:
    """The entities whose account ``user`` keeps: a PAPSY's own entities."""
    return sorted((entity for entity in user.papsy_entities), key=lambda entity: entity.name)


def may_keep(user: User, entity: Entity) -> bool:
    return policy.can_keep_prevention_units(user, entity)


def credit(session: Session, actor: User, entity: Entity, units: object, note: object) -> PreventionUnitEntry:
    """Units the entity bought from IDEWE, with a note (an order number, an invoice)."""
    if not may_keep(actor, entity):
        raise NotAllowed(_l("U houdt de preventie-eenheden van deze entiteit niet bij."))
    errors = {}
    try:
        amount = int(str(units).strip())
    except ValueError:
        amount = 0
    if not 1 <= amount <= MAX_CREDIT:
        errors["units"] = str(_l("Geef een geheel aantal eenheden tussen 1 en %(max)s.", max=MAX_CREDIT))
    text = str(note or "").strip()
    if not text or len(text) > NOTE_LIMIT:
        errors["note"] = str(_l("Geef een korte notitie (hoogstens %(max)s tekens), bv. het bestelnummer.",
                                max=NOTE_LIMIT))
    if errors:
        raise InvalidData(errors)
    lock_entity(session, entity.id)
    return _entry(session, entity.id, amount, CREDIT, actor, note=text)


def _entry(session: Session, entity_id: int, delta: int, kind: str, actor: User | None, **fields) -> PreventionUnitEntry:
    entry = PreventionUnitEntry(entity_id=entity_id, delta=delta, kind=kind,
                                created_by_id=actor.id if actor else None, **fields)
    session.add(entry)
    session.flush()
    return entry
