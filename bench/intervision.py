"""Intervision at scale (issue 11): the compliance view, its CSV, the API and the calendar feed with 160 confidants
over 10 entities, 14 groups and 5 years of sessions.

In process (Flask's test client, no network), like bench/sessions.py: a scratch SQLite database, and a PostgreSQL
one too when DATABASE_URL points at a server (created and dropped here). Each gets the demo people, then rows in
bulk through the ORM (not through the services: no invitations are sent): 8 more entities, 160 confidants (16 per
entity), 14 groups of at most 12 led by the two demo PAPSY, and per year of the last five: the two half days of
every group with the members' attendance (present, absent or excused; this year's later sessions without), four
open GDPB sessions, two IDEWE sessions with certificates (approved, pending, rejected) and three trainings with
attendance; the closed years have their year results. The OMG PAPSY, assigned to every entity, logs in through the
real forms; each URL is asked ROUNDS times at one client after a warm-up. Printed per URL: p50, p95, max and the
SQL statements per request; last the roster, a light page of another area, as a yardstick of the machine's
load at the time. Targets (issue 11): p95 <= 50 ms at one client. Nothing is asserted on time.

    .venv/bin/python bench/intervision.py [--rounds 200]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/intervision.py

The calendar feeds (GET /calendar/<token>.ics) are measured for the demo confidant and for the OMG PAPSY, who
organises the open sessions and leads seven of the groups (the largest feed).
"""
from __future__ import annotations

import argparse
import hashlib
import random
import secrets
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from app.auth.accounts import assign_papsy, create_api_token  # noqa: E402
from app.clock import now  # noqa: E402
from app.db import db  # noqa: E402
from app.intervision import compliance, events  # noqa: E402
from app.models import (  # noqa: E402
    Attendance, CalendarFeed, CertificateStatus, Confidant, ConfidantStatus, Entity, EventKind, EventParticipant,
    GroupMembership, IntervisionGroup, IntervisionYearResult, NetworkEvent, ParticipantStatus, User,
)
from bench.pages_data import ENTITIES  # noqa: E402
from bench.support import done_with_database, filled_app, measure, print_header, redis_url  # noqa: E402
from bench.support import scratch_databases  # noqa: E402
from tests.helpers import AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, login  # noqa: E402

CONFIDANTS, ENTITY_COUNT, GROUPS, YEARS = 160, 10, 14, 5
FEED_RULE = "/calendar/<token>.ics"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with scratch_databases() as (folder, urls):
        print_header()
        for name, url in urls:
            app, feed_tokens = filled_app(url, redis_url(), folder, fill)
            measure_all(name, app, args.rounds, feed_tokens)
            done_with_database()


def fill(session) -> dict[str, str]:
    """The entities, confidants, groups and five years of sessions; returns the feed tokens of the demo confidant
    (her group's and her open sessions) and of the OMG PAPSY (what she organises and leads: the bigger feed)."""
    rng = random.Random(11)
    papsy = [session.scalar(select(User).where(User.email == email)) for email in (OMG_PAPSY, AWV_PAPSY)]
    entities = list(session.scalars(select(Entity).order_by(Entity.id)))
    for code, name in ENTITIES:
        if len(entities) >= ENTITY_COUNT:
            break
        if all(entity.code != code for entity in entities):
            entities.append(Entity(code=code, name=name))
            session.add(entities[-1])
    session.flush()
    for entity in entities:
        assign_papsy(session, papsy[0], entity)
    confidants = list(session.scalars(select(Confidant).order_by(Confidant.id)))
    this_year = compliance.this_year()
    for number in range(CONFIDANTS - len(confidants)):
        entity = entities[number % len(entities)]
        appointed = date(this_year - rng.randint(1, 8), rng.randint(1, 12), rng.randint(1, 28))
        certified = appointed + timedelta(days=rng.randint(100, 700)) if rng.random() < .7 else None
        confidants.append(Confidant(
            entity_id=entity.id, name=f"Vertrouwenspersoon {number:03d}", email=f"vp{number:03d}@bench.example",
            status=ConfidantStatus.ACTIVE if rng.random() < .95 else ConfidantStatus.INACTIVE, appointed_on=appointed,
            training_due_on=appointed + timedelta(days=730), training_certified_on=certified))
    session.add_all(confidants)
    session.flush()
    groups = [IntervisionGroup(name=f"Intervisiegroep {number + 1}", leader_id=papsy[number % 2].id)
              for number in range(GROUPS)]
    session.add_all(groups)
    session.flush()
    members = {group.id: [] for group in groups}
    for number, confidant in enumerate(confidants):
        group = groups[number % GROUPS]
        members[group.id].append(confidant)
        session.add(GroupMembership(group_id=group.id, confidant_id=confidant.id,
                                    joined_on=date(this_year - YEARS, 1, 1)))
    for year in range(this_year - YEARS + 1, this_year + 1):
        _year(session, rng, year, papsy[0], groups, members, confidants)
    return {email: _feed(session, email) for email in (OMG_CONFIDANT, OMG_PAPSY)}


def _feed(session, email: str) -> str:
    token = secrets.token_urlsafe(32)
    owner = session.scalar(select(User).where(User.email == email))
    session.add(CalendarFeed(user_id=owner.id, token_hash=hashlib.sha256(token.encode()).hexdigest()))
    return token


def _year(session, rng, year, organiser, groups, members, confidants) -> None:
    moment = now()

    def event_on(kind, month, day, **fields) -> NetworkEvent:
        starts = datetime(year, month, day, 9, 0, tzinfo=events.BRUSSELS)
        row = NetworkEvent(uid=f"{secrets.token_hex(16)}@{events.UID_DOMAIN}", kind=kind, year=year,
                           starts_at=starts, ends_at=starts + timedelta(hours=4), organiser_id=organiser.id,
                           sequence=0, half_days=1, title=fields.pop("title", None), **fields)
        session.add(row)
        session.flush()
        return row

    def part(row, confidant, status, attendance=None, certificate=None) -> None:
        over = row.ends_at <= moment
        session.add(EventParticipant(event_id=row.id, confidant_id=confidant.id, status=status,
                                     attendance=attendance if over else None,
                                     certificate_status=certificate if over else None))

    for group in groups:
        for month in (3, 10):
            row = event_on(EventKind.GROUP_SESSION, month, rng.randint(1, 28), group_id=group.id)
            for confidant in members[group.id]:
                part(row, confidant, ParticipantStatus.INVITED,
                     rng.choices([Attendance.PRESENT, Attendance.ABSENT, Attendance.EXCUSED], [8, 1, 1])[0])
    for month in (2, 5, 9, 11):
        row = event_on(EventKind.OPEN_GDPB, month, 15, capacity=20)
        for confidant in rng.sample(confidants, 12):
            part(row, confidant, ParticipantStatus.REGISTERED, Attendance.PRESENT)
    for month in (4, 10):
        row = event_on(EventKind.OPEN_IDEWE, month, 20, cost_units=3)
        for confidant in rng.sample(confidants, 5):
            part(row, confidant, ParticipantStatus.APPROVED, certificate=rng.choice(list(CertificateStatus)))
    for month in (3, 6, 11):
        row = event_on(EventKind.TRAINING, month, 8, title="Opleiding", capacity=25,
                       duration_days=Decimal(rng.choice(["0.5", "1"])))
        for confidant in rng.sample(confidants, 15):
            part(row, confidant, ParticipantStatus.REGISTERED, Attendance.PRESENT)
    session.flush()
    if year < compliance.this_year():
        for confidant in confidants:
            half_days = rng.choice([0, 1, 2, 2, 2, 3])
            session.add(IntervisionYearResult(confidant_id=confidant.id, year=year, half_days_attended=half_days,
                                              short=half_days < 2))


def measure_feed(name: str, app, feed_tokens: dict[str, str], rounds: int) -> None:
    """The personal calendar feeds (five years of sessions), through their route: the confidant's, the PAPSY's."""
    for who, token in feed_tokens.items():
        print(f"{name:<11} calendar feed of {who}")
        measure(name, app.test_client(), f"/calendar/{token}.ics", rounds)


def measure_all(name: str, app, rounds: int, feed_tokens: dict[str, str]) -> None:
    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    with app.app_context():
        token = create_api_token(db.session(), db.session().scalar(select(User).where(User.email == OMG_PAPSY)))
        db.session.commit()
    db.session.remove()
    year = compliance.this_year() - 1
    measure(name, papsy, f"/compliance?year={year}&entity=OMG", rounds)
    measure(name, papsy, f"/compliance.csv?year={year}&entity=OMG", rounds)
    measure(name, app.test_client(), f"/api/v1/intervision/compliance?year={year}&entity=OMG", rounds,
            {"Authorization": f"Bearer {token}"})
    measure_feed(name, app, feed_tokens, rounds)
    measure(name, papsy, "/roster/", rounds)  # a light page of another area, for the machine's noise


if __name__ == "__main__":
    main()
