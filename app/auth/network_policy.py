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


# Temporary inactivity and its stand-in (R14): app/lifecycle/inactivity*.py.

def can_report_inactivity(user: User) -> bool:
    """A confidant reports their own periods of inactivity to the PAPSY and names a stand-in for them."""
    return user.has_role(Role.CONFIDANT) and user.entity_id is not None


def inactivity_entity_ids(user: User) -> set[int] | None:
    """Whose periods of inactivity a user sees listed: a PAPSY those of their entities (they are reported to them),
    an admin every entity's (they keep the list of all confidants with the PAPSY, R15); None means every entity."""
    if user.has_role(Role.ADMIN):
        return None
    if user.has_role(Role.PAPSY):
        return {entity.id for entity in user.papsy_entities}
    return set()


def can_view_inactivity(user: User) -> bool:
    return inactivity_entity_ids(user) != set()


def can_change_period(user: User, period) -> bool:
    """Only the confidant ends their own period early or calls it off; the PAPSY acknowledges, nothing more."""
    return period.confidant.user_id is not None and period.confidant.user_id == user.id


def can_share_with_stand_in(user: User, dossier) -> bool:
    """The dossier's keeper, signed in with the second factor, shares it with their stand-in (with the requester's
    recorded consent, which the sharing itself checks)."""
    from app.auth.policy import can_open_dossier

    return can_open_dossier(user, dossier.confidant_id)


def can_read_as_stand_in(session: Session, user: User, dossier_id: int) -> bool:
    """A stand-in reads a dossier shared with them only while the share is active and the keeper's period lasts
    (its last day included); never through an API token."""
    from zoneinfo import ZoneInfo

    from app.auth.policy import can_read_confidential
    from app.clock import now
    from app.config import process_settings
    from app.models import DossierShare, InactivityPeriod, ShareKind

    if not user.has_role(Role.CONFIDANT) or not can_read_confidential(user):
        return False
    today = now().astimezone(ZoneInfo(process_settings().display_timezone)).date()
    return session.scalar(
        select(DossierShare.id).join(InactivityPeriod, InactivityPeriod.id == DossierShare.inactivity_id)
        .where(DossierShare.dossier_id == dossier_id, DossierShare.to_user_id == user.id,
               DossierShare.kind == ShareKind.STAND_IN, DossierShare.ended_at.is_(None),
               InactivityPeriod.ended_on.is_(None), InactivityPeriod.cancelled_at.is_(None),
               InactivityPeriod.ends_on >= today).limit(1)) is not None
