"""Attendance of any session on the network's calendar: once it has started, whoever ``policy.can_record_attendance``
allows (the group's PAPSY, the organiser of an open session or a training) marks each participant present, absent
or excused. Recording again changes the marks; a request with one bad mark saves none."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.engine.errors import InvalidData, NotAllowed
from app.intervision import events
from app.models import Attendance, Confidant, EventParticipant, NetworkEvent, User
from app.models.intervision import TAKING_PART

VALUES = tuple(mark.value for mark in Attendance)


def participants(session: Session, event: NetworkEvent) -> list[EventParticipant]:
    """The rows whose attendance can be recorded: those taking part, by name."""
    return list(session.scalars(
        select(EventParticipant).join(Confidant, Confidant.id == EventParticipant.confidant_id)
        .where(EventParticipant.event_id == event.id, EventParticipant.status.in_(TAKING_PART))
        .order_by(Confidant.name)))


def check_may_record(actor: User, event: NetworkEvent) -> None:
    """Allowed, and the session has started and was not cancelled."""
    if not policy.can_record_attendance(actor, event):
        raise NotAllowed(_l("Enkel wie de sessie begeleidt, registreert de aanwezigheid."))
    events.check_not_cancelled(event)
    if event.starts_at > now():
        raise InvalidData({}, _l("De sessie is nog niet begonnen; de aanwezigheid wordt erna geregistreerd."))


def record(session: Session, actor: User, event: NetworkEvent, marks: dict[int, str]) -> list[EventParticipant]:
    """Save ``marks`` (confidant id -> present/absent/excused) for the session's participants; returns every row
    of the session's participants."""
    check_may_record(actor, event)
    rows = {row.confidant_id: row for row in participants(session, event)}
    errors = {str(key): _l("Deze persoon neemt niet deel aan deze sessie.") for key in marks if key not in rows}
    errors |= {str(key): _l("Kies aanwezig, afwezig of verontschuldigd.")
               for key, value in marks.items() if key in rows and value not in VALUES}
    if errors:
        raise InvalidData(errors, _l("De aanwezigheid is niet bewaard: niet alles klopt."))
    moment = now()
    for key, value in marks.items():
        row = rows[key]
        row.attendance, row.attendance_recorded_at, row.attendance_recorded_by_id = Attendance(value), moment, actor.id
    session.flush()
    return list(rows.values())


def marks_from(form) -> dict[int, str]:
    """A page's marks: its fields ``attendance-<confidant id>`` with a value (others, and odd ids, are not marks)."""
    marks = {}
    for name, value in form.items():
        key = name.removeprefix("attendance-")
        if name.startswith("attendance-") and key.isascii() and key.isdigit() and len(key) <= 9 and value:
            marks[int(key)] = value
    return marks


def record_by_email(session: Session, actor: User, event: NetworkEvent,
                    marks: dict[str, str]) -> list[EventParticipant]:
    """``record`` with the participants named by e-mail address (the API); each unknown address or bad value is
    named in the refusal, and nothing is saved."""
    check_may_record(actor, event)
    by_email = {row.confidant.email.lower(): row.confidant_id for row in participants(session, event)}
    errors: dict[str, object] = {}
    resolved: dict[int, str] = {}
    for email, value in marks.items():
        confidant_id = by_email.get(str(email).strip().lower())
        if confidant_id is None:
            errors[email] = _l("Geen deelnemer van deze sessie.")
        elif value not in VALUES:
            errors[email] = _l("Kies present, absent of excused.")
        else:
            resolved[confidant_id] = value
    if errors or not marks:
        raise InvalidData(errors or {"attendance": _l("Geef minstens één deelnemer.")},
                          _l("De aanwezigheid is niet bewaard: niet alles klopt."))
    return record(session, actor, event, resolved)


def present_counts(session: Session, event_ids: list[int]) -> dict[int, int]:
    """event id -> participants marked present."""
    if not event_ids:
        return {}
    return dict(session.execute(select(EventParticipant.event_id, func.count()).where(
        EventParticipant.event_id.in_(event_ids), EventParticipant.attendance == Attendance.PRESENT)
        .group_by(EventParticipant.event_id)).all())
