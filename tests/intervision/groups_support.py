"""Arranging intervision groups for tests: confidants in numbers, a group with members and sessions, and a record
of the calendar invitations announced (``invitations.announce`` is the calendar work's; here it is recorded)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from app.clock import now
from app.intervision import events, groups, invitations
from app.models import Confidant, ConfidantStatus, EventKind, EventParticipant, ParticipantStatus
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, OMG_PAPSY, entity, user


@dataclass
class Announced:
    """Each call of ``announce``: (event id, [confidant emails], cancel)."""

    calls: list[tuple[int, list[str], bool]] = field(default_factory=list)

    def __call__(self, session, event, confidants, cancel=False):
        self.calls.append((event.id, sorted(c.email for c in confidants), cancel))


def record_announcements(monkeypatch) -> Announced:
    announced = Announced()
    monkeypatch.setattr(invitations, "announce", announced)
    return announced


def confidant(store, email: str) -> Confidant:
    return store.scalar(select(Confidant).where(Confidant.email == email))


def make_confidants(store, count: int, code: str = "OMG", status=ConfidantStatus.ACTIVE) -> list[Confidant]:
    """``count`` confidants of entity ``code`` without accounts (the roster is what groups are made of)."""
    made = [Confidant(entity_id=entity(store, code).id, name=f"Vertrouwenspersoon {code} {n:02d}",
                      email=f"vp{n:02d}@{code.lower()}.vlaanderen.example", status=status,
                      appointed_on=date(2025, 1, 1)) for n in range(count)]
    store.add_all(made)
    store.flush()
    return made


def arrange_group(store, name: str = "Noord") -> dict[str, int]:
    """Group ``name`` led by the OMG PAPSY with the OMG and AWV confidants, a session held yesterday and one in
    30 days (both with the members invited); committed. Returns the ids."""
    papsy = user(store, OMG_PAPSY)
    group = groups.create_group(store, papsy, name, papsy)
    members = [confidant(store, OMG_CONFIDANT), confidant(store, AWV_CONFIDANT)]
    for member in members:
        groups.add_member(store, group, member, papsy)
    at = now().replace(microsecond=0)
    past = session_at(store, group, at - timedelta(days=1), members)
    future = session_at(store, group, at + timedelta(days=30), members)
    store.commit()
    return {"group": group.id, "past": past.id, "future": future.id, "omg": members[0].id, "awv": members[1].id}


def session_at(store, group, starts_at, members):
    """A session of ``group`` at ``starts_at`` (3.5 hours) with ``members`` invited, made directly: planning refuses
    the past, and a test needs sessions that were held."""
    event = events.create(store, EventKind.GROUP_SESSION, group.leader, starts_at, starts_at + timedelta(hours=3.5),
                          group_id=group.id, group=group, title=f"Intervisie {group.name}", place="Herman Teirlinck")
    for member in members:
        store.add(EventParticipant(event_id=event.id, confidant_id=member.id, status=ParticipantStatus.INVITED))
    store.flush()
    return event
