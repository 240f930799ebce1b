"""The lists of confidants at scale (R14, R15): the published page, its JSON and CSV feeds, an unchanged feed (304)
and the GDPB's list of all appointed, with 160 confidants over 40 entities.

In process (Flask's test client, no network), like bench/intervision.py: a scratch SQLite database, and a PostgreSQL
one too when DATABASE_URL points at a server (created and dropped here). Each gets the demo people, then 40 entities
(the demo's two and 38 more) and 160 confidants in bulk through the ORM: 90 % active (half with a phone number and a
work location), 6 % inactive with a current inactivity period, 4 % former with an end date; some active ones have a
period planned. Each URL is asked ROUNDS times at one client after ten unmeasured requests. Printed per URL: p50,
p95, max, the answers that were not the expected status, the p50 of this process's CPU per request (steadier than
the wall clock on a shared machine) and the SQL statements per request. The full list is asked by the OMG PAPSY,
logged in through the real forms. Nothing is asserted on time.

Measured 6 Dec 2026, 2 shared cores at load 6-7 (other work running), 200 rounds; wall p50 / p95, CPU p50 in ms:
SQLite: public page 26.7 / 38.9, 9.1; one entity 11.4 / 22.0, 3.8; JSON 7.2 / 14.1, 3.3; CSV 14.5 / 33.5, 4.6;
304 8.8 / 21.9, 4.0; full list 63.2 / 199.8, 21.9; its export 33.8 / 50.1, 14.7 (the active /roster/ 61.2 / 84.0, 21.0).
PostgreSQL: public page 31.8 / 52.2, 12.1; one entity 17.9 / 30.0, 6.1; JSON 11.3 / 20.7, 4.4; CSV 8.5 / 22.6, 4.8;
304 8.1 / 21.0, 5.0; full list 70.3 / 104.9, 25.9; its export 50.3 / 73.2, 18.1 (the active /roster/ 58.8 / 92.8,
22.9). 2 SQL statements per feed, 3 for the public page, 5 for the full list.

    .venv/bin/python bench/lists.py [--rounds 200]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/lists.py
"""
from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from app.models import Confidant, ConfidantStatus, Entity, InactivityPeriod  # noqa: E402
from app.ui import local_today  # noqa: E402
from bench.pages_data import ENTITIES  # noqa: E402
from bench.support import done_with_database, filled_app, measure, print_header, redis_url  # noqa: E402
from bench.support import scratch_databases  # noqa: E402
from tests.helpers import OMG_PAPSY, login  # noqa: E402

CONFIDANTS, ENTITY_COUNT = 160, 40
PLACES = ["Herman Teirlinckgebouw, Brussel", "Virginie Lovelinggebouw, Gent", "Hendrik Conscience, Brussel",
          "Phoenix, Antwerpen", "Provinciehuis, Hasselt", "Jan Palfijn, Brugge", "Dienstencentrum, Leuven"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    redis = redis_url(os.environ.get("BENCH_REDIS_DB", "8"))  # no job is queued here
    with scratch_databases() as (folder, urls):
        print_header("what", cpu=True)
        for name, url in urls:
            app, _nothing = filled_app(url, redis, folder, fill)
            measure_all(name, app, args.rounds)
            done_with_database()


def fill(session) -> None:
    """40 entities and 160 confidants (the demo's four among them), with statuses, details and periods."""
    rng = random.Random(14)
    entities = list(session.scalars(select(Entity).order_by(Entity.id)))
    names = [pair for pair in ENTITIES if pair[0] not in {entity.code for entity in entities}]
    names += [(f"AG{number:02d}", f"Agentschap {number:02d}") for number in range(ENTITY_COUNT)]
    for code, name in names[:ENTITY_COUNT - len(entities)]:
        entities.append(Entity(code=code, name=name))
        session.add(entities[-1])
    session.flush()
    today = local_today()
    existing = len(list(session.scalars(select(Confidant.id))))
    for number in range(CONFIDANTS - existing):
        entity = entities[number % len(entities)]
        appointed = date(today.year - rng.randint(0, 8), rng.randint(1, 12), rng.randint(1, 28))
        draw = rng.random()
        status = ConfidantStatus.ACTIVE if draw < .9 else ConfidantStatus.INACTIVE if draw < .96 \
            else ConfidantStatus.FORMER
        detailed = rng.random() < .5
        confidant = Confidant(
            entity_id=entity.id, name=f"Vertrouwenspersoon {number:03d}", email=f"vp{number:03d}@bench.example",
            status=status, appointed_on=appointed, training_due_on=appointed + timedelta(days=730),
            training_certified_on=appointed + timedelta(days=200) if rng.random() < .7 else None,
            phone=f"02 553 {rng.randint(10, 99)} {rng.randint(10, 99)}" if detailed else None,
            work_location=rng.choice(PLACES) if detailed else None,
            ended_on=today - timedelta(days=rng.randint(1, 400)) if status == ConfidantStatus.FORMER else None)
        session.add(confidant)
        session.flush()
        if status == ConfidantStatus.INACTIVE or (status == ConfidantStatus.ACTIVE and rng.random() < .05):
            starts = today - timedelta(days=10) if status == ConfidantStatus.INACTIVE else today + timedelta(days=20)
            session.add(InactivityPeriod(confidant_id=confidant.id, starts_on=starts,
                                         ends_on=starts + timedelta(days=90)))


def measure_all(name: str, app, rounds: int) -> None:
    anonymous = app.test_client()
    feed = anonymous.get("/api/v1/public/confidants")
    shown = len(feed.get_json()["confidants"])
    print(f"{name:<11} (published: {shown} active confidants; JSON {len(feed.get_data())} bytes)")
    measure(name, anonymous, "/vertrouwenspersonen", rounds, what="public page /vertrouwenspersonen", cpu=True)
    measure(name, anonymous, "/vertrouwenspersonen?entity=OMG", rounds, what="public page, one entity", cpu=True)
    measure(name, anonymous, "/api/v1/public/confidants", rounds, what="JSON feed", cpu=True)
    measure(name, anonymous, "/api/v1/public/confidants.csv", rounds, what="CSV feed", cpu=True)
    measure(name, anonymous, "/api/v1/public/confidants", rounds, {"If-None-Match": feed.headers["ETag"]},
            what="JSON feed unchanged: 304", expected=304, cpu=True)
    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    measure(name, papsy, "/roster/?status=all", rounds, what="full list /roster/?status=all (PAPSY)", cpu=True)
    measure(name, papsy, "/roster/export.csv?status=all", rounds, what="its CSV export (PAPSY)", cpu=True)
    measure(name, papsy, "/roster/", rounds, what="active list /roster/ (PAPSY), yardstick", cpu=True)


if __name__ == "__main__":
    main()
