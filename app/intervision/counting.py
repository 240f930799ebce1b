"""What counts as intervision attended (R12): a half day present in one's group or an open GDPB session, or an
IDEWE session whose attendance certificate the PAPSY approved. One query for one confidant or a whole list."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.models import Attendance, CertificateStatus, EventKind, EventParticipant, NetworkEvent
from app.models.intervision import INTERVISION_KINDS, TAKING_PART


def attended_condition():
    """The participant rows that count as attended intervision."""
    return and_(
        NetworkEvent.kind.in_(INTERVISION_KINDS), NetworkEvent.cancelled_at.is_(None),
        EventParticipant.status.in_(TAKING_PART),
        or_(and_(NetworkEvent.kind != EventKind.OPEN_IDEWE, EventParticipant.attendance == Attendance.PRESENT),
            and_(NetworkEvent.kind == EventKind.OPEN_IDEWE,
                 EventParticipant.certificate_status == CertificateStatus.APPROVED)))


def half_days_by_confidant(session: Session, year: int, confidant_ids: Iterable[int] | None = None) -> dict[int, int]:
    """confidant id -> half days of intervision attended in ``year`` (confidants with none are left out)."""
    query = (select(EventParticipant.confidant_id, func.sum(NetworkEvent.half_days))
             .join(NetworkEvent, NetworkEvent.id == EventParticipant.event_id)
             .where(NetworkEvent.year == year, attended_condition())
             .group_by(EventParticipant.confidant_id))
    if confidant_ids is not None:
        query = query.where(EventParticipant.confidant_id.in_(list(confidant_ids)))
    return {confidant_id: int(total) for confidant_id, total in session.execute(query)}


def half_days_attended(session: Session, confidant_id: int, year: int) -> int:
    return half_days_by_confidant(session, year, [confidant_id]).get(confidant_id, 0)
