"""IDEWE registrations (R12.2): a confidant's request, approved or refused by a PAPSY of their entity. Approving
debits the entity's prevention units (``units``) in the same transaction and starts the certificate process
(``external``); a short balance refuses the request with the reason, which the confidant sees. Withdrawing an
approved registration before the session refunds the units."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.engine import lifecycle
from app.engine.errors import InvalidData, NotAllowed, NotFound
from app.intervision import events, external, invitations, registrations, units
from app.models import (Confidant, EventKind, EventParticipant, InstanceStatus, NetworkEvent, ParticipantStatus,
                        ProcessInstance, User)

REASON_LIMIT = 500


def request(session: Session, event: NetworkEvent, confidant: Confidant) -> EventParticipant:
    events.check_not_cancelled(event)
    if events.is_over(event) or event.starts_at <= now():
        raise InvalidData({}, str(_l("Deze sessie is begonnen of voorbij; aanvragen kan niet meer.")))
    row = events.participant(session, event, confidant)
    if row is not None and row.status not in (ParticipantStatus.CANCELLED, ParticipantStatus.REFUSED):
        raise InvalidData({}, str(_l("U hebt deze sessie al aangevraagd.")))
    _check_capacity(session, event)
    if row is None:
        row = EventParticipant(event_id=event.id, confidant_id=confidant.id, event=event, confidant=confidant)
        session.add(row)
    row.status, row.registered_at, row.reason = ParticipantStatus.REQUESTED, now(), None
    row.decided_at = row.decided_by_id = row.units_debited = row.certificate_status = None
    session.flush()
    return row


def to_decide(session: Session, user: User) -> list[EventParticipant]:
    """The IDEWE requests waiting for a decision by ``user`` (a PAPSY of the confidants' entities)."""
    entity_ids = [entity.id for entity in user.papsy_entities] if policy.can_organise_events(user) else []
    if not entity_ids:
        return []
    return list(session.scalars(
        select(EventParticipant).join(NetworkEvent, NetworkEvent.id == EventParticipant.event_id)
        .join(Confidant, Confidant.id == EventParticipant.confidant_id)
        .where(NetworkEvent.kind == EventKind.OPEN_IDEWE, NetworkEvent.cancelled_at.is_(None),
               EventParticipant.status == ParticipantStatus.REQUESTED, Confidant.entity_id.in_(entity_ids))
        .order_by(NetworkEvent.starts_at, EventParticipant.registered_at)))


def decided_request(session: Session, user: User, participant_id: int) -> EventParticipant:
    """The request, locked, when ``user`` decides it and it still waits for a decision."""
    row = session.scalar(select(EventParticipant).where(EventParticipant.id == participant_id)
                         .with_for_update(of=EventParticipant))
    if row is None or row.event.kind != EventKind.OPEN_IDEWE:
        raise NotFound(_l("Deze aanvraag bestaat niet."))
    if not policy.can_decide_for_confidant(user, row.confidant):
        raise NotAllowed(_l("Alleen een PAPSY van de entiteit van de vertrouwenspersoon beslist hierover."))
    if row.status != ParticipantStatus.REQUESTED:
        raise InvalidData({}, str(_l("Over deze aanvraag werd al beslist.")))
    events.check_not_cancelled(row.event)
    return row


def approve(session: Session, user: User, participant_id: int) -> EventParticipant:
    """Debit the cost and start the certificate process; with too few units the request is refused with the reason
    (that refusal is the outcome, and is kept)."""
    row = decided_request(session, user, participant_id)
    event = row.event
    if event.starts_at <= now():
        raise InvalidData({}, str(_l("Deze sessie is al begonnen; goedkeuren kan niet meer.")))
    _check_capacity(session, event)
    cost = event.cost_units or 0
    try:
        units.debit(session, row.confidant.entity_id, cost, row.id, user)
    except units.NotEnoughUnits as short:
        return _decide(row, user, ParticipantStatus.REFUSED, str(_l(
            "Niet genoeg preventie-eenheden: saldo %(balance)s, nodig %(needed)s.", balance=short.balance,
            needed=short.needed)))
    _decide(row, user, ParticipantStatus.APPROVED)
    row.units_debited = cost
    row.instance_id = external.start(session, row, user).id
    session.flush()
    invitations.announce(session, event, [row.confidant])
    return row


def refuse(session: Session, user: User, participant_id: int, reason: object) -> EventParticipant:
    text = str(reason or "").strip()
    if not 3 <= len(text) <= REASON_LIMIT:
        raise InvalidData({"reason": str(_l("Geef een reden (3 tot %(max)s tekens): de vertrouwenspersoon krijgt "
                                            "ze te zien.", max=REASON_LIMIT))})
    return _decide(decided_request(session, user, participant_id), user, ParticipantStatus.REFUSED, text)


def withdraw(session: Session, user: User, event: NetworkEvent, confidant: Confidant) -> EventParticipant:
    """The confidant withdraws a request, or an approved registration before the session (units refunded)."""
    row = session.scalar(select(EventParticipant).where(EventParticipant.event_id == event.id,
                                                        EventParticipant.confidant_id == confidant.id)
                         .with_for_update(of=EventParticipant))
    if row is None or row.status not in (ParticipantStatus.REQUESTED, ParticipantStatus.APPROVED):
        raise InvalidData({}, str(_l("U hebt deze sessie niet aangevraagd.")))
    if row.status == ParticipantStatus.APPROVED:
        if event.starts_at <= now():
            raise InvalidData({}, str(_l("De sessie is al begonnen; intrekken kan niet meer.")))
        _release(session, user, row)
        invitations.announce(session, event, [confidant], cancel=True)
    row.status = ParticipantStatus.CANCELLED
    session.flush()
    return row


def refund_all(session: Session, user: User, event: NetworkEvent) -> None:
    """The session is cancelled: every approved registration's units go back to its entity."""
    for row in session.scalars(select(EventParticipant).where(
            EventParticipant.event_id == event.id, EventParticipant.status == ParticipantStatus.APPROVED)):
        _release(session, user, row)


def _release(session: Session, user: User, row: EventParticipant) -> None:
    if row.units_debited:
        units.refund(session, row.confidant.entity_id, row.units_debited, row.id, user)
        row.units_debited = 0
    instance = session.get(ProcessInstance, row.instance_id) if row.instance_id else None
    if instance is not None and instance.status not in (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED):
        lifecycle.terminate(session, instance.id, user, "Inschrijving ingetrokken of sessie geannuleerd")
    row.certificate_status = None


def _decide(row: EventParticipant, user: User, status: ParticipantStatus, reason: str | None = None):
    row.status, row.reason, row.decided_at, row.decided_by_id = status, reason, now(), user.id
    return row


def _check_capacity(session: Session, event: NetworkEvent) -> None:
    from app.intervision.open_sessions import taken

    registrations.lock(session, event)  # two approvals for the last place: the second counts the first
    if event.capacity is not None and taken(session, event) >= event.capacity:
        raise InvalidData({}, str(_l("Deze sessie is volzet.")))
