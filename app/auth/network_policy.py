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


# ---- The document library (R16) ----

def can_manage_library(user: User) -> bool:
    """The GDPB shares the documents: its prevention advisers and the admins make folders, publish, add versions,
    change and archive, for all confidants or for one entity's."""
    return user.has_role(Role.PAPSY) or user.has_role(Role.ADMIN)


def library_reader(session: Session, user: User) -> Confidant | None:
    """The user's roster entry when they read the library as a confidant: appointed and not former (a confidant
    who is temporarily inactive keeps reading; the weekly digest is for active ones only)."""
    if not user.has_role(Role.CONFIDANT):
        return None
    from flask import g, has_request_context

    found = g.setdefault("library_readers", {}) if has_request_context() else {}
    if user.id not in found:  # a page asks several times (the menu, the area's check, each list)
        found[user.id] = session.scalar(select(Confidant).where(
            Confidant.user_id == user.id, Confidant.status.in_([ConfidantStatus.ACTIVE, ConfidantStatus.INACTIVE])))
    return found[user.id]


def can_read_library(session: Session, user: User) -> bool:
    """The library is for who manages it and for confidants; EOC secretaries (the employer side) and former
    confidants see none of it."""
    return can_manage_library(user) or library_reader(session, user) is not None


def library_documents_for(session: Session, user: User):
    """The condition on LibraryDocument for the documents ``user`` may see: all of them (archived ones too) for who
    manages the library; for a confidant the current ones for all confidants or for their own entity; else none."""
    from sqlalchemy import false, or_

    from app.models import LibraryDocument

    if can_manage_library(user):
        return LibraryDocument.id.is_not(None)
    reader = library_reader(session, user)
    if reader is None:
        return false()
    return LibraryDocument.archived_at.is_(None) & or_(LibraryDocument.entity_id.is_(None),
                                                       LibraryDocument.entity_id == reader.entity_id)


def may_read_document(session: Session, user: User, document) -> bool:
    """One document: as ``library_documents_for`` decides for the list."""
    if can_manage_library(user):
        return True
    reader = library_reader(session, user)
    return reader is not None and document.archived_at is None and document.entity_id in (None, reader.entity_id)


def can_open_library(user: User) -> bool:
    """The menu's question, asked in templates where no session is at hand: ``can_read_library`` in the request's."""
    from app.db import session

    return user.is_authenticated and can_read_library(session(), user)
