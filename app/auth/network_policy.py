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


# ---- The conversation room in the Herman Teirlinck building (R17) ----
# The room is the GDPB's, shared by every entity: every PAPSY sees its whole week and who booked it (to plan their
# own conversations, and to see a conflict before deciding). A request is decided by "the PAPSY" of R17: a PAPSY
# assigned to the requesting confidant's entity, who knows that confidant; an entity with no active PAPSY would leave
# its confidants' requests without anyone to decide, so there every PAPSY decides. Confidants see which half hours
# are taken, never by whom.
from app.models import Entity, RoomBooking, UserRole, papsy_assignment  # noqa: E402


def can_see_room(user: User) -> bool:
    """The room's week: for confidants (to ask) and PAPSY (to decide); not the employer side, not admins as such."""
    return user.has_role(Role.PAPSY) or user.has_role(Role.CONFIDANT)


def can_request_room(session: Session, user: User) -> bool:
    """An active confidant, with an entity, asks for the room."""
    return own_confidant(session, user) is not None


def can_see_who_booked_room(user: User) -> bool:
    return user.has_role(Role.PAPSY)


def entities_without_papsy(session: Session) -> set[int]:
    """The entities no active PAPSY is assigned to."""
    covered = select(papsy_assignment.c.entity_id).join(User, User.id == papsy_assignment.c.user_id).join(
        UserRole, UserRole.user_id == User.id).where(User.active.is_(True), UserRole.role == Role.PAPSY.value)
    return set(session.scalars(select(Entity.id).where(Entity.id.not_in(covered))))


def room_decision_entity_ids(session: Session, user: User) -> set[int]:
    """The entities whose confidants' room requests ``user`` decides: their own, and those without a PAPSY."""
    if not user.has_role(Role.PAPSY):
        return set()
    return {entity.id for entity in user.papsy_entities} | entities_without_papsy(session)


def can_decide_room_booking(session: Session, user: User, entity_id: int | None) -> bool:
    """A PAPSY of the requesting confidant's entity (``entity_id``; every PAPSY when it has none, or no PAPSY)."""
    if not user.has_role(Role.PAPSY):
        return False
    return entity_id is None or entity_id in room_decision_entity_ids(session, user)


def can_cancel_room_booking(user: User, booking: RoomBooking) -> bool:
    """Only the confidant who asked withdraws a request or cancels a booking."""
    return booking.requested_by_id == user.id


def can_open_room_booking_file(user: User, booking: RoomBooking) -> bool:
    """The calendar file of a booking is its requester's."""
    return booking.requested_by_id == user.id
def can_view_published_list(user: User) -> bool:
    """The list of active confidants is published (R14): the page and the intranet's feeds need no login."""
    return True


def can_edit_published_details(user: User, confidant: Confidant) -> bool:
    """A confidant keeps their own phone number and work location on the published list (R14) while appointed
    (active, or temporarily inactive and coming back); a former confidant is no longer on it."""
    return (user.has_role(Role.CONFIDANT) and confidant.user_id == user.id
            and confidant.status != ConfidantStatus.FORMER)


def keeps_published_details(user: User) -> bool:
    """Confidants have details of their own on the published list (the page itself refuses a former one)."""
    return user.has_role(Role.CONFIDANT)
def retention_entity_ids(user: User) -> set[int]:
    """M27: the entities whose closed dossiers' retention a user watches over: a PAPSY's own entities. Not an admin's
    (the platform's operators stop no shredding) and not the employer's."""
    return {entity.id for entity in user.papsy_entities} if user.has_role(Role.PAPSY) else set()


def can_oversee_retention(user: User) -> bool:
    """The page of closed dossiers nearing their shredding is a PAPSY's; it shows categorical facts only."""
    return user.has_role(Role.PAPSY)


def can_hold_dossier(user: User, entity_id: int) -> bool:
    """A PAPSY of the dossier's entity sets and lifts a legal hold on it; this opens none of its content."""
    return entity_id in retention_entity_ids(user)
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
    of that entity (R19); never to an admin."""
    if not user.active or user.has_role(Role.ADMIN):
        return False
    if user.has_role(Role.CONFIDANT) and user.entity_id == entity_id:
        return True
    return user.has_role(Role.PAPSY) and any(entity.id == entity_id for entity in user.papsy_entities)


def can_start_removal(user: User) -> bool:
    """The EOC secretary of an entity may start the removal of one of its confidants (``can_remove_confidant``)."""
    return user.has_role(Role.EOC_SECRETARY) and user.entity_id is not None


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


def may_open_library_folder(session: Session, user: User, folder) -> bool:
    """One folder: every one for who manages the library; for a reader only one holding a document they may read,
    as the index lists them. A folder meant for another entity (or empty) is as unknown as a document outside one's
    audience: its name and description say what is kept there."""
    from sqlalchemy import exists

    from app.models import LibraryDocument

    if can_manage_library(user):
        return True
    return bool(session.scalar(select(exists().where(LibraryDocument.folder_id == folder.id,
                                                     library_documents_for(session, user)))))

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


def can_see_open_dossier_counts(user: User, entity_id: int) -> bool:
    """How many dossiers a leaving confidant of ``entity_id`` still has open is for that entity's PAPSY, who follows
    them up (R19); never the employer's (EOC secretary) nor an admin's: a count per named person is the small cell
    that R7 keeps out of every report."""
    return user.has_role(Role.PAPSY) and any(entity.id == entity_id for entity in user.papsy_entities)
