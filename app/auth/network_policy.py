"""Who may do what in intervision and trainings (R12, R13). Part of the one authorization policy: ``policy``
re-exports these, so callers ask ``policy.can_lead(user, group)`` like any other rule."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Confidant, ConfidantStatus, EventKind, EventParticipant, IntervisionGroup, NetworkEvent, Role, User


def can_manage_groups(user: User) -> bool:
    """The GDPB's prevention advisers make groups and place confidants in them (groups span entities)."""
    return user.has_role(Role.PAPSY)


def can_lead(user: User, group: IntervisionGroup) -> bool:
    """The group's own PAPSY plans its sessions and records their attendance."""
    return user.has_role(Role.PAPSY) and group.leader_id == user.id


def can_organise_events(user: User) -> bool:
    """Open intervision sessions (GDPB, IDEWE), trainings and info sessions are published by a PAPSY."""
    return user.has_role(Role.PAPSY)


def can_record_attendance(user: User, event: NetworkEvent) -> bool:
    if event.kind == EventKind.GROUP_SESSION:
        return event.group is not None and can_lead(user, event.group)
    return user.has_role(Role.PAPSY) and event.organiser_id == user.id


def can_change_event(user: User, event: NetworkEvent) -> bool:
    return can_record_attendance(user, event)


def can_decide_for_confidant(user: User, confidant: Confidant) -> bool:
    """An IDEWE registration or certificate is decided by a PAPSY of the confidant's entity (its units pay)."""
    return user.has_role(Role.PAPSY) and any(entity.id == confidant.entity_id for entity in user.papsy_entities)


def own_confidant(session: Session, user: User) -> Confidant | None:
    """The user's own roster entry when they are an active confidant (the one who registers and attends)."""
    if not user.has_role(Role.CONFIDANT):
        return None
    return session.scalar(select(Confidant).where(Confidant.user_id == user.id,
                                                  Confidant.status == ConfidantStatus.ACTIVE))


def may_see_event(session: Session, user: User, event: NetworkEvent) -> bool:
    """PAPSY see the whole calendar; a confidant sees the open sessions and trainings, and the sessions of the
    groups they take part in; nobody else sees any."""
    if user.has_role(Role.PAPSY):
        return True
    if not user.has_role(Role.CONFIDANT):
        return False
    if event.kind != EventKind.GROUP_SESSION:
        return True
    confidant = own_confidant(session, user)
    return confidant is not None and session.scalar(select(EventParticipant.id).where(
        EventParticipant.event_id == event.id, EventParticipant.confidant_id == confidant.id)) is not None


def compliance_entity_ids(user: User) -> set[int]:
    """R12/R18's compliance per entity: a PAPSY for their entities, an EOC secretary for their own entity; admins,
    as admins, none (the platform's operators do not read who attended)."""
    ids: set[int] = set()
    if user.has_role(Role.PAPSY):
        ids |= {entity.id for entity in user.papsy_entities}
    if user.has_role(Role.EOC_SECRETARY) and user.entity_id is not None:
        ids.add(user.entity_id)
    return ids


def can_view_compliance(user: User, entity_id: int) -> bool:
    return entity_id in compliance_entity_ids(user)


def can_keep_prevention_units(user: User, entity) -> bool:
    """An entity's prevention-unit account (IDEWE) is kept by the PAPSY of that entity: units bought, history."""
    return user.has_role(Role.PAPSY) and any(own.id == entity.id for own in user.papsy_entities)


def can_view_calendar(user: User) -> bool:
    """The calendar page and a personal calendar feed are for PAPSY and confidants; the employer side (EOC
    secretaries) and admins, as such, have no sessions to see."""
    return user.has_role(Role.PAPSY) or user.has_role(Role.CONFIDANT)


def can_see_trainings(user: User) -> bool:
    """R13: the GDPB's trainings and info sessions are for the confidants and the PAPSY who organise them; the
    employer side (EOC secretaries) and admins, as such, have no business there."""
    return user.has_role(Role.PAPSY) or user.has_role(Role.CONFIDANT)


def can_register_for_sessions(user: User) -> bool:
    """A confidant takes part: their own group, the open sessions, trainings (an inactive one is refused later)."""
    return user.has_role(Role.CONFIDANT)


# Laying down the role (R19): app/lifecycle/resignation*.py and handover.py.

def can_lay_down_role(user: User) -> bool:
    """A confidant lays down their own role ("Ik leg mijn rol neer")."""
    return user.has_role(Role.CONFIDANT)


def can_remove_confidant(user: User, confidant: Confidant) -> bool:
    """A removal is the EOC's decision: started by the EOC secretary of the confidant's own entity."""
    return user.has_role(Role.EOC_SECRETARY) and user.entity_id is not None and user.entity_id == confidant.entity_id


def role_ending_entity_ids(user: User) -> set[int] | None:
    """The entities whose role endings ``user`` follows: a PAPSY theirs, an EOC secretary their own, an admin every
    one (None); a confidant none (their own is on their own page)."""
    if user.has_role(Role.ADMIN):
        return None
    ids: set[int] = set()
    if user.has_role(Role.PAPSY):
        ids |= {entity.id for entity in user.papsy_entities}
    if user.has_role(Role.EOC_SECRETARY) and user.entity_id is not None:
        ids.add(user.entity_id)
    return ids


def can_view_role_endings(user: User) -> bool:
    return user.has_role(Role.ADMIN) or user.has_role(Role.PAPSY) or user.has_role(Role.EOC_SECRETARY)


def can_withdraw_role_ending(user: User, ending) -> bool:
    """Who started it takes it back: the confidant their resignation, the entity's EOC secretary a removal."""
    if ending.kind == "resignation":
        return ending.confidant.user_id == user.id and user.has_role(Role.CONFIDANT)
    return can_remove_confidant(user, ending.confidant)


def can_receive_dossier(user: User, entity_id: int) -> bool:
    """A dossier handed over on leaving the role goes to an active confidant of the same entity (R1) or to a PAPSY
    of that entity (R19)."""
    if not user.active:
        return False
    if user.has_role(Role.CONFIDANT) and user.entity_id == entity_id:
        return True
    return user.has_role(Role.PAPSY) and any(entity.id == entity_id for entity in user.papsy_entities)


def can_start_removal(user: User) -> bool:
    """The EOC secretary of an entity may start the removal of one of its confidants (``can_remove_confidant``)."""
    return user.has_role(Role.EOC_SECRETARY) and user.entity_id is not None
