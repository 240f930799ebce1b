"""The conversation room with a year of bookings (R17): the week page and the PAPSY's requests.

In process (Flask's test client, no network), like bench/intervision.py: a scratch SQLite database, and a PostgreSQL
one too when DATABASE_URL points at a server (created and dropped here). Each gets the demo people, 60 more
confidants with accounts over the demo entities, and in bulk through the ORM (not the services: no mail) a year of
the room: every working day from half a year ago to half a year ahead holds 4 to 8 approved bookings of one to two
hours with their half-hour rows, a declined and a cancelled one now and then, and the next four weeks 1 to 3 open
requests a day (some overlapping a booking). The demo confidant and the OMG PAPSY (assigned to both entities) log in
through the real forms; each URL is asked ROUNDS times at one client after ten unmeasured requests. Printed per URL:
p50, p95, max and the SQL statements per request; last the roster as a yardstick of the machine's load. Target:
p95 <= 50 ms at one client. Nothing is asserted on time.

    .venv/bin/python bench/room.py [--rounds 200] [--redis-db 8]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/room.py
"""
from __future__ import annotations

import argparse
import random
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from app.auth.accounts import assign_papsy  # noqa: E402
from app.clock import now  # noqa: E402
from app.intervision.events import UID_DOMAIN  # noqa: E402
from app.models import (  # noqa: E402
    BookingStatus, Confidant, ConfidantStatus, Entity, Role, RoomBooking, RoomSlot, User, UserRole,
)
from app.room import slots  # noqa: E402
from app.workdays import is_working_day  # noqa: E402
from bench.support import done_with_database, filled_app, measure, print_header, redis_url  # noqa: E402
from bench.support import scratch_databases  # noqa: E402
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, login  # noqa: E402

EXTRA_CONFIDANTS, HALF_YEAR = 60, timedelta(days=182)
PURPOSES = list(slots.Purpose)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--redis-db", type=int, default=8, help="the Redis database of REDIS_URL's server to use")
    args = parser.parse_args()
    with scratch_databases() as (folder, urls):
        for name, url in urls:
            app, (busiest, counts) = filled_app(url, redis_url(args.redis_db), folder, fill_and_count)
            print(f"{name}: {counts[RoomBooking]} bookings and requests, {counts[RoomSlot]} half hours held; "
                  f"the busiest week measured starts {busiest}")
            print_header()
            measure_all(name, app, args.rounds, busiest)
            done_with_database()


def fill_and_count(session) -> tuple[date, dict]:
    busiest = fill(session)
    session.flush()
    return busiest, {kind: session.scalar(select(func.count()).select_from(kind)) for kind in (RoomBooking, RoomSlot)}


def fill(session) -> date:
    """A year of the room; returns the Monday of the coming week with the most bookings."""
    rng = random.Random(17)
    entities = list(session.scalars(select(Entity).order_by(Entity.id)))
    papsy = session.scalar(select(User).where(User.email == OMG_PAPSY))
    for entity in entities:
        assign_papsy(session, papsy, entity)
    askers = [user for user in session.scalars(select(User).join(UserRole).where(UserRole.role == Role.CONFIDANT))]
    for number in range(EXTRA_CONFIDANTS):
        entity = entities[number % len(entities)]
        user = User(email=f"vp{number:03d}@bench.example", name=f"Vertrouwenspersoon {number:03d}", entity_id=entity.id)
        session.add(user)
        session.flush()
        session.add_all([UserRole(user_id=user.id, role=Role.CONFIDANT),
                         Confidant(user_id=user.id, entity_id=entity.id, name=user.name, email=user.email,
                                   status=ConfidantStatus.ACTIVE, appointed_on=date(2024, 1, 1))])
        askers.append(user)
    session.flush()
    today, per_week = slots.today(), {}
    day = today - HALF_YEAR
    while day <= today + HALF_YEAR:
        if is_working_day(day):
            held = _day(session, rng, day, askers, papsy)
            monday = day - timedelta(days=day.weekday())
            if day > today:
                per_week[monday] = per_week.get(monday, 0) + held
            if today < day <= today + timedelta(weeks=4):
                _requests(session, rng, day, askers)
        day += timedelta(days=1)
    return max(per_week, key=per_week.get)


def _day(session, rng, day: date, askers: list[User], papsy: User) -> int:
    """4 to 8 approved bookings one after the other (with gaps), now and then a declined or cancelled one."""
    slot, held = slots.FIRST_SLOT + rng.randint(0, 2), 0
    for _ in range(rng.randint(4, 8)):
        length = rng.choice([2, 2, 3, 4])
        if slot + length > slots.END_SLOT:
            break
        booking = _booking(rng, day, slot, slot + length, askers, BookingStatus.APPROVED, papsy)
        session.add(booking)
        session.flush()
        session.add_all([RoomSlot(day=day, slot=half, booking_id=booking.id) for half in range(slot, slot + length)])
        held += 1
        slot += length + rng.randint(0, 2)
    if rng.random() < .3:
        session.add(_booking(rng, day, 20, 22, askers, rng.choice([BookingStatus.DECLINED, BookingStatus.CANCELLED]),
                             papsy))
    return held


def _requests(session, rng, day: date, askers: list[User]) -> None:
    for _ in range(rng.randint(1, 3)):
        start = rng.randint(slots.FIRST_SLOT, slots.END_SLOT - 2)
        session.add(_booking(rng, day, start, start + 2, askers, BookingStatus.REQUESTED, None))


def _booking(rng, day, start, end, askers, status, papsy) -> RoomBooking:
    decided = status in (BookingStatus.APPROVED, BookingStatus.DECLINED, BookingStatus.CANCELLED)
    return RoomBooking(uid=f"room-{uuid.uuid4()}@{UID_DOMAIN}", sequence=0, requested_by_id=rng.choice(askers).id,
                       day=day, start_slot=start, end_slot=end, purpose=rng.choice(PURPOSES).value, status=status,
                       requested_at=now() - timedelta(days=rng.randint(1, 30)),
                       decided_by_id=papsy.id if decided and papsy else None, decided_at=now() if decided else None,
                       decline_reason="Het lokaal is die dag niet beschikbaar." if status == BookingStatus.DECLINED
                       else None, cancelled_at=now() if status == BookingStatus.CANCELLED else None)


def measure_all(name: str, app, rounds: int, busiest: date) -> None:
    confidant, papsy = app.test_client(), app.test_client()
    login(confidant, OMG_CONFIDANT)
    login(papsy, OMG_PAPSY)
    for who, client in (("confidant", confidant), ("PAPSY", papsy)):
        print(f"{name:<11} the week page of a {who}")
        measure(name, client, f"/room/?week={busiest.isoformat()}", rounds)
        measure(name, client, "/room/", rounds)
    measure(name, papsy, "/room/requests", rounds)
    measure(name, papsy, "/roster/", rounds)  # a light page of another area, for the machine's noise


if __name__ == "__main__":
    main()
