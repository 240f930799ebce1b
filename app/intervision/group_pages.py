"""What the group pages show, read in a few queries: the list of groups, one group for a PAPSY, a confidant's own."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.intervision import attendance, group_sessions, groups
from app.intervision.events import BRUSSELS
from app.models import Confidant, EventKind, EventParticipant, GroupMembership, IntervisionGroup, NetworkEvent, User
from app.models.intervision import GROUP_SIZE, REQUIRED_HALF_DAYS, TAKING_PART


@dataclass(frozen=True)
class GroupRow:
    group: IntervisionGroup
    members: int
    planned: int

    @property
    def planned_label(self) -> str:
        return group_sessions.planned_label(self.planned)


@dataclass(frozen=True)
class SessionView:
    """A session on the group page: its state, the fields of its change form and its participants."""

    event: NetworkEvent
    started: bool
    participants: list[EventParticipant]
    local: dict[str, str]

    @property
    def cancelled(self) -> bool:
        return self.event.cancelled_at is not None

    @property
    def present(self) -> int:
        return sum(1 for row in self.participants if row.attendance == "present")


def index(session: Session) -> dict:
    year = group_sessions.this_year()
    return {"rows": group_rows(session, year), "year": year, "leaders": groups.leader_choices(session),
            "size": GROUP_SIZE}


def group_rows(session: Session, year: int) -> list[GroupRow]:
    """Every active group with its members now and its half days planned in ``year``."""
    counts, planned = groups.member_counts(session), group_sessions.planned_counts(session, year)
    return [GroupRow(group, counts.get(group.id, 0), planned.get(group.id, 0)) for group in groups.active_groups(session)]


def group(session: Session, user: User, target: IntervisionGroup, year: int) -> dict:
    members = groups.current_members(session, target)
    placed = dict(session.execute(select(GroupMembership.confidant_id, GroupMembership.group_id)
                                  .where(GroupMembership.left_on.is_(None))).all())
    sessions = [session_view(session, event) for event in group_sessions.sessions_of(session, target, year)]
    planned = sum(view.event.half_days for view in sessions if not view.cancelled)
    return {
        "group": target, "year": year, "members": members, "size": GROUP_SIZE, "required": REQUIRED_HALF_DAYS,
        "history": groups.history(session, target), "sessions": sessions, "planned": planned,
        "planned_label": group_sessions.planned_label(planned),
        "candidates": [c for c in groups.candidates(session) if c.id not in placed],
        "other_groups": [g for g in groups.active_groups(session) if g.id != target.id],
        "leaders": groups.leader_choices(session), "leads": policy.can_lead(user, target),
    }


def session_view(session: Session, event: NetworkEvent) -> SessionView:
    local_start, local_end = event.starts_at.astimezone(BRUSSELS), event.ends_at.astimezone(BRUSSELS)
    return SessionView(event, event.starts_at <= now(), attendance.participants(session, event), {
        "day": local_start.date().isoformat(), "start": f"{local_start:%H:%M}", "end": f"{local_end:%H:%M}",
        "place": event.place or "", "online_url": event.online_url or ""})


def own_group(session: Session, confidant: Confidant) -> dict:
    """A confidant's group, its PAPSY and the year's sessions with their own attendance (theirs only)."""
    current = groups.current_group(session, confidant)
    year = group_sessions.this_year()
    rows = list(session.execute(
        select(NetworkEvent, EventParticipant)
        .join(EventParticipant, EventParticipant.event_id == NetworkEvent.id)
        .where(EventParticipant.confidant_id == confidant.id, NetworkEvent.kind == EventKind.GROUP_SESSION,
               NetworkEvent.year == year, EventParticipant.status.in_(TAKING_PART))
        .order_by(NetworkEvent.starts_at)).all())
    members = session.scalar(select(func.count()).select_from(GroupMembership).where(
        GroupMembership.group_id == current.id, GroupMembership.left_on.is_(None))) if current else 0
    return {"confidant": confidant, "group": current, "year": year, "rows": rows, "members": members,
            "size": GROUP_SIZE, "at": now()}

