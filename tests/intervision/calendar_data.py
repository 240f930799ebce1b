"""Sessions on the network's calendar for the calendar tests: a group of the OMG PAPSY with the OMG confidant, a
group of the AWV PAPSY with the AWV confidant, an open GDPB session and a training, all in March 2027."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.intervision import events
from app.models import Confidant, EventKind, EventParticipant, IntervisionGroup, NetworkEvent, ParticipantStatus
from tests.helpers import AWV_CONFIDANT, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, user

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(day: int, hour: int, minute: int = 0, month: int = 3, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def confidant(session, email: str) -> Confidant:
    return session.scalar(select(Confidant).where(Confidant.email == email))


def invite(session, event: NetworkEvent, email: str, status: ParticipantStatus = ParticipantStatus.INVITED):
    row = EventParticipant(event_id=event.id, confidant_id=confidant(session, email).id, status=status)
    session.add(row)
    session.flush()
    return row


@dataclass
class Calendar:
    north: NetworkEvent  # the OMG group's session, the OMG confidant invited
    south: NetworkEvent  # the AWV group's session, the AWV confidant invited
    open_session: NetworkEvent  # an open GDPB session (the OMG confidant registered)
    training: NetworkEvent  # a training of the AWV PAPSY, nobody registered

    def ids(self) -> dict[str, int]:
        return {name: getattr(self, name).id for name in ("north", "south", "open_session", "training")}


def arrange(session) -> Calendar:
    omg_papsy, awv_papsy = user(session, OMG_PAPSY), user(session, AWV_PAPSY)
    north = IntervisionGroup(name="Groep Noord", leader_id=omg_papsy.id)
    south = IntervisionGroup(name="Groep Zuid", leader_id=awv_papsy.id)
    session.add_all([north, south])
    session.flush()
    made = Calendar(
        north=events.create(session, EventKind.GROUP_SESSION, omg_papsy, at(9, 9), at(9, 12, 30), group_id=north.id,
                            place="Herman Teirlinckgebouw, zaal 3"),
        south=events.create(session, EventKind.GROUP_SESSION, awv_papsy, at(10, 13, 30), at(10, 17),
                            group_id=south.id, online_url="https://meet.example/zuid"),
        open_session=events.create(session, EventKind.OPEN_GDPB, omg_papsy, at(16, 9), at(16, 12), capacity=12,
                                   place="Boudewijngebouw"),
        training=events.create(session, EventKind.TRAINING, awv_papsy, at(23, 9), at(24, 16), title="Omgaan met agressie",
                               half_days=0, place="Brussel"),
    )
    invite(session, made.north, OMG_CONFIDANT)
    invite(session, made.south, AWV_CONFIDANT)
    invite(session, made.open_session, OMG_CONFIDANT, ParticipantStatus.REGISTERED)
    session.commit()
    return made
