"""Demo intervision and trainings (`vertrouwd demo`): two groups across both demo entities, each with a half day
behind it (attendance recorded) and one ahead; an open GDPB session with a registration; a training; AWV's
prevention units and an IDEWE registration whose attendance certificate waits for its PAPSY's review; this year's
intervision cycle of every confidant (the one appointed in the demo, in no group yet, waits for a PAPSY to place her).

Everything goes through the services and the engine, as a PAPSY and the confidants would. Sessions in the past are
planned with the clock moved back to before them (a PAPSY can only plan ahead), then recorded at the real time.
Each part is made once: running the demo again finds it and leaves it alone.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.accounts import entity_by_code, find_user
from app.clock import moved_clock, now
from app.engine import timers
from app.intervision import attendance, events, group_sessions, groups, idewe, open_sessions, trainings, units, year
from app.intervision.training_form import TrainingDetails
from app.models import Confidant, EventKind, IntervisionGroup, NetworkEvent, Task, TaskState, Timer, TimerState
from app.workflow import services as workflow

OMG_PAPSY, AWV_PAPSY = "luc.vandenbroeck@gdpb.vlaanderen.example", "hilde.jacobs@gdpb.vlaanderen.example"
SOFIE, KOEN = "sofie.claes@omgeving.vlaanderen.example", "koen.maes@omgeving.vlaanderen.example"
ELS, TOM = "els.desmet@wegenenverkeer.vlaanderen.example", "tom.peeters@wegenenverkeer.vlaanderen.example"
# name, its PAPSY, its members and how each attended the half day behind them
GROUPS = [("Intervisiegroep Noord", OMG_PAPSY, {SOFIE: "present", ELS: "excused"}),
          ("Intervisiegroep Zuid", AWV_PAPSY, {KOEN: "present", TOM: "absent"})]
PLACE = "Herman Teirlinckgebouw, Havenlaan 88, Brussel"
PAST, AHEAD = timedelta(days=40), timedelta(days=25)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def load_intervision_demo(session: Session) -> list[str]:
    """Make what is missing; returns a line for each part made now."""
    if session.scalar(select(IntervisionGroup.id).limit(1)) is not None:
        return []
    made = [_group(session, *spec) for spec in GROUPS]
    made.append(_open_session_with_a_registration(session))
    made.append(_training(session))
    made.append(_idewe_certificate_to_review(session))
    this_year = year.this_year()
    started = year.start_year(session, this_year)
    made.append(f"the intervision year {this_year} of {started} confidants (one without a group waits for a PAPSY)")
    return made


def _group(session: Session, name: str, papsy_email: str, marks: dict[str, str]) -> str:
    papsy = find_user(session, papsy_email)
    group = groups.create_group(session, papsy, name, papsy)
    members = [_confidant(session, email) for email in marks]
    for confidant in members:
        groups.add_member(session, group, confidant, papsy)
    behind_day = _local_day(now() - PAST)
    behind = _planned_earlier(session, lambda: group_sessions.plan(session, papsy, group,
                                                                   _half_day(behind_day, place=PLACE)))
    group_sessions.plan(session, papsy, group, _half_day(_local_day(now() + AHEAD), online="https://meet.example/intervisie"))
    attendance.record(session, papsy, behind, {confidant.id: marks[confidant.email] for confidant in members})
    return f"an intervision group: {name}, a half day behind it (attendance recorded) and one ahead"


def _open_session_with_a_registration(session: Session) -> str:
    papsy = find_user(session, OMG_PAPSY)
    day = _local_day(now() + AHEAD + timedelta(days=7))
    event = open_sessions.publish(session, papsy, EventKind.OPEN_GDPB, {
        "day": day.isoformat(), "starts": "13:30", "ends": "17:00", "place": PLACE, "capacity": "10"})
    open_sessions.register(session, find_user(session, ELS), event)
    return "an open GDPB session: Els De Smet (excused in her group) registered"


def _training(session: Session) -> str:
    papsy = find_user(session, AWV_PAPSY)
    day = _local_day(now() + timedelta(days=45))
    details = TrainingDetails(
        kind=EventKind.TRAINING, title="Omgaan met agressie aan het loket",
        description="Een dag oefenen met situaties van agressie door derden, met een trainer van de GDPB.",
        starts_at=_at(day, 9), ends_at=_at(day, 16, 30), duration_days=Decimal("1"), capacity=12,
        place=PLACE, online_url=None)
    event = trainings.publish(session, papsy, details)
    trainings.register(session, find_user(session, SOFIE), event)
    return "a training: 'Omgaan met agressie aan het loket', Sofie Claes registered"


def _idewe_certificate_to_review(session: Session) -> str:
    papsy, tom = find_user(session, AWV_PAPSY), find_user(session, TOM)
    units.credit(session, papsy, entity_by_code(session, "AWV"), "12", "Aankoop preventie-eenheden (demo)")

    day = _local_day(now() - timedelta(days=50))

    def publish_and_request() -> NetworkEvent:
        event = open_sessions.publish(session, find_user(session, OMG_PAPSY), EventKind.OPEN_IDEWE, {
            "day": day.isoformat(), "starts": "09:00", "ends": "12:30",
            "title": "Open intervisie IDEWE Leuven", "place": "IDEWE, Interleuvenlaan 58, Leuven", "cost_units": "4"})
        participant = idewe.request(session, event, _confidant(session, TOM))
        idewe.approve(session, papsy, participant.id)
        return event

    event = _planned_earlier(session, publish_and_request)
    for timer_id in session.scalars(select(Timer.id).where(Timer.state == TimerState.PENDING,
                                                           Timer.due_at <= now())).all():
        timers.fire(session, timer_id, "demo")  # the session is over: the confidant's upload task opens
    task = session.scalar(select(Task).where(Task.spec_name == "upload_attest", Task.state == TaskState.READY))
    certificate = workflow.file_store(session, tom, task)("attest-idewe.pdf", PDF, "application/pdf")
    workflow.complete_task(session, tom, task.id, {"certificate": certificate})
    return f"an IDEWE registration: Tom Peeters's certificate of {event.title} waits for Hilde Jacobs (AWV: 8 units left)"


def _planned_earlier(session: Session, plan):
    """Run ``plan`` as if it were 60 days ago, so what it plans 40 days ago is still ahead of it."""
    with moved_clock() as move:
        move(-timedelta(days=60))
        return plan()


def _half_day(day: date, place: str | None = None, online: str | None = None) -> group_sessions.SessionFields:
    return group_sessions.read_fields({"day": day.isoformat(), "start": "09:00", "end": "12:30", "place": place,
                                       "online_url": online})


def _local_day(moment) -> date:
    return moment.astimezone(events.BRUSSELS).date()


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), events.BRUSSELS).astimezone(timezone.utc)


def _confidant(session: Session, email: str) -> Confidant:
    return session.scalar(select(Confidant).where(Confidant.email == email))
