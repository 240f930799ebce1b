"""The arrangement of the compliance tests (and of their authorization matrix): in entity OMG, Sofie Claes attended
her own group's half day and an open GDPB session last year; Koen Maes attended an IDEWE session whose certificate
was approved, one whose certificate waits for review, and missed his group's half day; a cancelled session and an
AWV confidant's attendance count for nobody of OMG. Events and participants are made directly (no invitations)."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.intervision import compliance, events
from app.models import (
    Attendance, CertificateStatus, Confidant, EventKind, EventParticipant, IntervisionGroup, IntervisionYearResult,
    NetworkEvent, ParticipantStatus,
)
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, OMG_PAPSY, user

KOEN = "koen.maes@omgeving.vlaanderen.example"


def last_year() -> int:
    return compliance.this_year() - 1


def confidant(store, email: str) -> Confidant:
    return store.scalar(select(Confidant).where(Confidant.email == email))


def session_on(store, kind: EventKind, year: int, month: int, day: int, **fields) -> NetworkEvent:
    starts = datetime(year, month, day, 9, 0, tzinfo=events.BRUSSELS)
    return events.create(store, kind, user(store, OMG_PAPSY), starts, starts + timedelta(hours=4), **fields)


def take_part(store, event: NetworkEvent, who: Confidant, status=ParticipantStatus.INVITED, attendance=None,
              certificate=None) -> EventParticipant:
    row = EventParticipant(event_id=event.id, confidant_id=who.id, status=status, attendance=attendance,
                           certificate_status=certificate)
    store.add(row)
    store.flush()
    return row


def arrange(store, year: int | None = None) -> dict:
    year = year or last_year()
    papsy = user(store, OMG_PAPSY)
    sofie, koen, els = confidant(store, OMG_CONFIDANT), confidant(store, KOEN), confidant(store, AWV_CONFIDANT)
    group = IntervisionGroup(name="Groep Gent", leader_id=papsy.id)
    store.add(group)
    store.flush()
    first = session_on(store, EventKind.GROUP_SESSION, year, 3, 10, group_id=group.id)
    take_part(store, first, sofie, attendance=Attendance.PRESENT)
    take_part(store, first, koen, attendance=Attendance.ABSENT)
    take_part(store, first, els, attendance=Attendance.PRESENT)
    open_gdpb = session_on(store, EventKind.OPEN_GDPB, year, 5, 12, capacity=10)
    take_part(store, open_gdpb, sofie, ParticipantStatus.REGISTERED, Attendance.PRESENT)
    approved = session_on(store, EventKind.OPEN_IDEWE, year, 6, 2, cost_units=3)
    take_part(store, approved, koen, ParticipantStatus.APPROVED, certificate=CertificateStatus.APPROVED)
    pending = session_on(store, EventKind.OPEN_IDEWE, year, 9, 8, cost_units=3)
    take_part(store, pending, koen, ParticipantStatus.APPROVED, certificate=CertificateStatus.PENDING)
    cancelled = session_on(store, EventKind.OPEN_GDPB, year, 10, 1, capacity=10)
    take_part(store, cancelled, koen, ParticipantStatus.REGISTERED, Attendance.PRESENT)
    events.cancel(store, cancelled)
    store.commit()
    return {"year": year, "sofie": sofie.id, "koen": koen.id, "group": group.id}


def add_training(store, year: int, who: Confidant, days: str, attendance=Attendance.PRESENT) -> None:
    training = session_on(store, EventKind.TRAINING, year, 11, 4, title="Omgaan met conflicten",
                          duration_days=Decimal(days), capacity=20)
    take_part(store, training, who, ParticipantStatus.REGISTERED, attendance)
    store.commit()


def intervision_snapshot(store) -> tuple:
    """What a request of the compliance view must never change."""
    state = (store.scalar(select(func.count()).select_from(NetworkEvent)),
             store.execute(select(EventParticipant.id, EventParticipant.status, EventParticipant.attendance,
                                  EventParticipant.certificate_status).order_by(EventParticipant.id)).all(),
             store.scalar(select(func.count()).select_from(IntervisionYearResult)))
    store.rollback()
    return state
