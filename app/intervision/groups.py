"""Fixed intervision groups (R12.1): at most 12 confidants from several entities, led by a PAPSY, for the long term.

A confidant is in at most one group at a time; a membership is a dated row, so moving to another group ends one row
and starts another (the history stays). Membership keeps the group's sessions in step: who joins is invited to the
group's future sessions, who leaves has their future places cancelled; past sessions keep their rows (attendance).
``add_member`` and ``current_group`` are also what the yearly process calls.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.engine.errors import InvalidData, NotAllowed
from app.intervision import invitations
from app.intervision.events import BRUSSELS
from app.models import (
    Confidant,
    ConfidantStatus,
    EventKind,
    EventParticipant,
    GroupMembership,
    IntervisionGroup,
    NetworkEvent,
    ParticipantStatus,
    Role,
    User,
)
from app.models.intervision import GROUP_SIZE

NAME_LENGTH = 120


def today() -> date:
    """The day in Brussels: memberships are dated."""
    return now().astimezone(BRUSSELS).date()


# Reading

def current_group(session: Session, confidant: Confidant) -> IntervisionGroup | None:
    """The group ``confidant`` is in now, or None."""
    membership = current_membership(session, confidant)
    return membership.group if membership else None


def current_membership(session: Session, confidant: Confidant) -> GroupMembership | None:
    return session.scalar(select(GroupMembership).where(GroupMembership.confidant_id == confidant.id,
                                                        GroupMembership.left_on.is_(None)))


def current_members(session: Session, group: IntervisionGroup) -> list[GroupMembership]:
    """The group's memberships now, by the confidants' names."""
    return list(session.scalars(
        select(GroupMembership).join(Confidant, Confidant.id == GroupMembership.confidant_id)
        .where(GroupMembership.group_id == group.id, GroupMembership.left_on.is_(None)).order_by(Confidant.name)))


def member_counts(session: Session) -> dict[int, int]:
    """group id -> current members (groups without members are left out)."""
    return dict(session.execute(select(GroupMembership.group_id, func.count()).where(
        GroupMembership.left_on.is_(None)).group_by(GroupMembership.group_id)).all())


def history(session: Session, group: IntervisionGroup) -> list[GroupMembership]:
    """Everyone who was ever in the group, the latest first (current members included)."""
    return list(session.scalars(select(GroupMembership).where(GroupMembership.group_id == group.id)
                                .order_by(GroupMembership.joined_on.desc(), GroupMembership.id.desc())))


def active_groups(session: Session) -> list[IntervisionGroup]:
    return list(session.scalars(select(IntervisionGroup).where(IntervisionGroup.archived_at.is_(None))
                                .order_by(IntervisionGroup.name)))


def get_group(session: Session, group_id: int) -> IntervisionGroup | None:
    return session.get(IntervisionGroup, group_id)


def leader_choices(session: Session) -> list[User]:
    """The PAPSY who can lead a group: active accounts with the role."""
    return [user for user in session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
            if user.has_role(Role.PAPSY)]


def candidates(session: Session) -> list[Confidant]:
    """The active confidants, by name, for the add and move selects (the page says who is where already)."""
    return list(session.scalars(select(Confidant).where(Confidant.status == ConfidantStatus.ACTIVE)
                                .order_by(Confidant.name)))


# The group itself

def create_group(session: Session, actor: User, name: str, leader: User | None) -> IntervisionGroup:
    """A new group with a unique name, led by a PAPSY."""
    _check_manager(actor)
    name = _checked_name(session, name, None)
    _check_leader(leader)
    group = IntervisionGroup(name=name, leader_id=leader.id, leader=leader)
    session.add(group)
    session.flush()
    return group


def change_group(session: Session, actor: User, group: IntervisionGroup, name: str, leader: User | None) -> None:
    """Rename the group or give it another PAPSY; the new PAPSY organises its sessions that are still to come."""
    _check_manager(actor)
    _check_open(group)
    name = _checked_name(session, name, group)
    _check_leader(leader)
    group.name = name
    if leader.id != group.leader_id:
        group.leader_id, group.leader = leader.id, leader
        for event in future_sessions(session, group):
            event.organiser_id, event.organiser = leader.id, leader
    session.flush()


def archive_group(session: Session, actor: User, group: IntervisionGroup) -> None:
    """A group that ended: only once it has no members and no sessions to come (move or cancel those first)."""
    _check_manager(actor)
    _check_open(group)
    if current_members(session, group):
        raise InvalidData({}, _l("Deze groep heeft nog leden. Verplaats of verwijder hen eerst."))
    if future_sessions(session, group):
        raise InvalidData({}, _l("Deze groep heeft nog geplande sessies. Annuleer die eerst."))
    group.archived_at = now()
    session.flush()


# Members

def add_member(session: Session, group: IntervisionGroup, confidant: Confidant | None,
               actor: User | None) -> GroupMembership:
    """Put ``confidant`` in ``group``: an active confidant, in no other group, in a group of fewer than 12.
    ``actor`` None is the system (a process's service task, whose lane decided who may do it)."""
    if actor is not None:
        _check_manager(actor)
    _check_open(group)
    if confidant is None:
        raise InvalidData({"confidant": _l("Kies een vertrouwenspersoon.")})
    _lock(session, group)
    if confidant.status != ConfidantStatus.ACTIVE:
        raise InvalidData({"confidant": _l("%(name)s is geen actieve vertrouwenspersoon; enkel actieve "
                                           "vertrouwenspersonen komen in een groep.", name=confidant.name)})
    present = current_group(session, confidant)
    if present is not None:
        text = (_l("%(name)s zit al in deze groep.", name=confidant.name) if present.id == group.id else
                _l("%(name)s zit al in de groep %(group)s. Verplaats de vertrouwenspersoon in plaats van toe te "
                   "voegen: iemand zit in één groep tegelijk.", name=confidant.name, group=present.name))
        raise InvalidData({"confidant": text})
    _check_room(session, group)
    return _join(session, group, confidant, actor)


def move_member(session: Session, actor: User, confidant: Confidant, to: IntervisionGroup | None,
                from_group: IntervisionGroup | None = None) -> GroupMembership:
    """End the confidant's membership of their group (``from_group`` when given) and start one in ``to``: the
    history keeps both."""
    _check_manager(actor)
    if to is None:
        raise InvalidData({"to": _l("Kies de groep waarnaar de vertrouwenspersoon gaat.")})
    _check_open(to)
    membership = current_membership(session, confidant)
    if membership is None or (from_group is not None and membership.group_id != from_group.id):
        raise InvalidData({"to": _l("%(name)s zit niet in deze groep.",
                                       name=confidant.name)})
    if membership.group_id == to.id:
        raise InvalidData({"to": _l("%(name)s zit al in de groep %(group)s. Kies een andere groep.",
                                       name=confidant.name, group=to.name)})
    _lock(session, to)
    _check_room(session, to)
    _leave(session, membership)
    return _join(session, to, confidant, actor)


def remove_member(session: Session, actor: User, group: IntervisionGroup, confidant: Confidant) -> None:
    """End the confidant's membership of ``group`` (their attendance history stays)."""
    _check_manager(actor)
    membership = current_membership(session, confidant)
    if membership is None or membership.group_id != group.id:
        raise InvalidData({"confidant": _l("%(name)s zit niet in deze groep.", name=confidant.name)})
    _leave(session, membership)


def leave_on_role_end(session: Session, confidant: Confidant) -> GroupMembership | None:
    """The confidant's role ended (R19): their membership ends and their future places are cancelled; the history
    and past attendance stay. Nothing to end changes nothing."""
    membership = current_membership(session, confidant)
    if membership is not None:
        _leave(session, membership)
    return membership


def _join(session: Session, group: IntervisionGroup, confidant: Confidant, actor: User | None) -> GroupMembership:
    membership = GroupMembership(group_id=group.id, group=group, confidant_id=confidant.id, confidant=confidant,
                                 joined_on=today(), added_by_id=actor.id if actor else None)
    session.add(membership)
    session.flush()
    for event in future_sessions(session, group):
        row = session.scalar(select(EventParticipant).where(EventParticipant.event_id == event.id,
                                                            EventParticipant.confidant_id == confidant.id))
        if row is None:
            row = EventParticipant(event_id=event.id, event=event, confidant_id=confidant.id, confidant=confidant)
            session.add(row)
        row.status, row.registered_at = ParticipantStatus.INVITED, now()
        session.flush()
        invitations.announce(session, event, [confidant])
    if actor is not None:
        from app.intervision import year  # the yearly process uses this module: imported when needed

        year.assignment_made(session, confidant, group, actor)
    return membership


def _leave(session: Session, membership: GroupMembership) -> None:
    membership.left_on = today()
    session.flush()
    for event in future_sessions(session, membership.group):
        row = session.scalar(select(EventParticipant).where(EventParticipant.event_id == event.id,
                                                            EventParticipant.confidant_id == membership.confidant_id))
        if row is not None and row.status == ParticipantStatus.INVITED:
            row.status = ParticipantStatus.CANCELLED
            session.flush()
            invitations.announce(session, event, [membership.confidant], cancel=True)


def future_sessions(session: Session, group: IntervisionGroup) -> list[NetworkEvent]:
    """The group's sessions that have not started and are not cancelled."""
    return list(session.scalars(select(NetworkEvent).where(
        NetworkEvent.group_id == group.id, NetworkEvent.kind == EventKind.GROUP_SESSION,
        NetworkEvent.cancelled_at.is_(None), NetworkEvent.starts_at > now()).order_by(NetworkEvent.starts_at)))


# Checks

def _check_manager(actor: User) -> None:
    if not policy.can_manage_groups(actor):
        raise NotAllowed(_l("Enkel een PAPSY van de GDPB beheert de intervisiegroepen."))


def _check_open(group: IntervisionGroup) -> None:
    if group.archived_at is not None:
        raise InvalidData({}, _l("De groep %(group)s is gearchiveerd en verandert niet meer.", group=group.name))


def _check_leader(leader: User | None) -> None:
    if leader is None or not leader.active or not leader.has_role(Role.PAPSY):
        raise InvalidData({"leader": _l("Kies een PAPSY om de groep te begeleiden.")})


def _checked_name(session: Session, name: str, group: IntervisionGroup | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidData({"name": _l("Geef de groep een naam.")})
    if len(name) > NAME_LENGTH:
        raise InvalidData({"name": _l("Een naam telt hoogstens %(count)d tekens.", count=NAME_LENGTH)})
    query = select(IntervisionGroup.id).where(func.lower(IntervisionGroup.name) == name.lower())
    if group is not None:
        query = query.where(IntervisionGroup.id != group.id)
    if session.scalar(query) is not None:
        raise InvalidData({"name": _l("Er bestaat al een groep met de naam %(name)s.", name=name)})
    return name


def _check_room(session: Session, group: IntervisionGroup) -> None:
    """R12.1: at most 12 confidants in a group."""
    count = session.scalar(select(func.count()).select_from(GroupMembership).where(
        GroupMembership.group_id == group.id, GroupMembership.left_on.is_(None))) or 0
    if count >= GROUP_SIZE:
        raise InvalidData({"confidant": _l("De groep telt al %(count)d vertrouwenspersonen (het maximum).",
                                           count=GROUP_SIZE)})


def _lock(session: Session, group: IntervisionGroup) -> None:
    """Two PAPSY adding the 12th and 13th member at once: the second waits and then counts 12 (PostgreSQL)."""
    session.execute(select(IntervisionGroup.id).where(IntervisionGroup.id == group.id).with_for_update())
