"""Which sessions of the network's calendar a user sees, as queries (never a check per event).

The calendar page follows ``policy.may_see_event``: a PAPSY sees the whole calendar; a confidant the open sessions,
trainings and info sessions, and the group sessions they are a participant of; nobody else sees any. The personal
feed holds the user's own sessions: for a confidant those they take part in (cancelled ones too, so that their
calendar marks them), for a PAPSY those they organise and the sessions of the groups they lead.
"""
from __future__ import annotations

import hashlib

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.engine.errors import InvalidData
from app.intervision.events import BRUSSELS
from app.models import Confidant, EventKind, EventParticipant, IntervisionGroup, NetworkEvent, Role, User
from app.models.intervision import TAKING_PART

FEED_HISTORY = timedelta(days=400)  # last year's sessions, and a little more

MONTH = re.compile(r"(\d{4})-(\d{2})")
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the months the calendar pages through


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``YYYY-MM`` ("2027-03"); anything else is refused with the reason."""
        match = MONTH.fullmatch(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
            raise InvalidData({"month": _l("Kies een maand als JJJJ-MM, bijvoorbeeld 2027-03.")},
                              _l("Deze maand kan niet getoond worden; u ziet de huidige maand."))
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, moment: datetime) -> Month:
        local = moment.astimezone(BRUSSELS)
        return cls(local.year, local.month)

    @property
    def previous(self) -> Month | None:
        earlier = Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)
        return earlier if earlier.year >= FIRST_YEAR else None

    @property
    def next(self) -> Month | None:
        later = Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)
        return later if later.year <= LAST_YEAR else None

    @property
    def starts_at(self) -> datetime:
        """Midnight of the first day in Brussels."""
        return datetime(self.year, self.month, 1, tzinfo=BRUSSELS)

    @property
    def ends_at(self) -> datetime:
        following = Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)
        return following.starts_at

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def visible_condition(session: Session, user: User) -> ColumnElement[bool]:
    """The events ``user`` may see (``policy.may_see_event`` as one SQL condition)."""
    if user.has_role(Role.PAPSY):
        return true()
    if not user.has_role(Role.CONFIDANT):
        return false()
    confidant = policy.own_confidant(session, user)
    own_group_session = false() if confidant is None else exists().where(
        EventParticipant.event_id == NetworkEvent.id, EventParticipant.confidant_id == confidant.id)
    return or_(NetworkEvent.kind != EventKind.GROUP_SESSION, own_group_session)


def month_events(session: Session, user: User, month: Month) -> list[NetworkEvent]:
    """The events ``user`` may see that start in ``month`` (in Brussels), in order."""
    return list(session.scalars(select(NetworkEvent).where(
        NetworkEvent.starts_at >= month.starts_at, NetworkEvent.starts_at < month.ends_at,
        visible_condition(session, user)).order_by(NetworkEvent.starts_at, NetworkEvent.id)))


def visible_event(session: Session, user: User, event_id: int) -> NetworkEvent | None:
    """The event, when ``user`` may see it (else None: unknown and hidden look the same)."""
    event = session.get(NetworkEvent, event_id)
    return event if event is not None and policy.may_see_event(session, user, event) else None


def feed_events(session: Session, user: User) -> list[NetworkEvent]:
    """The sessions of ``user``'s personal feed: taken part in (as a confidant), organised or led (as a PAPSY), from
    FEED_HISTORY ago on. A calendar application asks for the whole feed every few hours: years of a PAPSY's
    sessions would make each answer slow and long, and the older ones are in the application already."""
    mine = []
    confidant_id = session.scalar(select(Confidant.id).where(Confidant.user_id == user.id))
    if user.has_role(Role.CONFIDANT) and confidant_id is not None:
        mine.append(exists().where(EventParticipant.event_id == NetworkEvent.id,
                                   EventParticipant.confidant_id == confidant_id,
                                   EventParticipant.status.in_(TAKING_PART)))
    if user.has_role(Role.PAPSY):
        mine.append(NetworkEvent.organiser_id == user.id)
        mine.append(NetworkEvent.group_id.in_(select(IntervisionGroup.id).where(IntervisionGroup.leader_id == user.id)))
    if not mine:
        return []
    return list(session.scalars(select(NetworkEvent).where(or_(*mine), NetworkEvent.starts_at >= now() - FEED_HISTORY)
                                .order_by(NetworkEvent.starts_at, NetworkEvent.id)))


def fingerprint(events: list[NetworkEvent], locale: str) -> str:
    """What a feed's answer depends on, for its ETag: the events, their versions, the names of their group and
    organiser (a renamed group is no new version of its sessions), the language."""
    parts = [locale] + [f"{event.id}:{event.sequence}:{event.updated_at.isoformat()}:{event.cancelled_at is not None}"
                        f":{event.group.name if event.group else ''}:{event.organiser.name}" for event in events]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
