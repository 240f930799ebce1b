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
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select  # noqa: E402

from app.db import db  # noqa: E402
from app.models import Confidant, ConfidantStatus, Entity, InactivityPeriod  # noqa: E402
from app.ui import local_today  # noqa: E402
from bench.pages_data import ENTITIES  # noqa: E402
from tests.conftest import _create_pg_database, _drop_pg_database, _migrate, build_app  # noqa: E402
from tests.helpers import OMG_PAPSY, login  # noqa: E402

CONFIDANTS, ENTITY_COUNT = 160, 40
PLACES = ["Herman Teirlinckgebouw, Brussel", "Virginie Lovelinggebouw, Gent", "Hendrik Conscience, Brussel",
          "Phoenix, Antwerpen", "Provinciehuis, Hasselt", "Jan Palfijn, Brugge", "Dienstencentrum, Leuven"]


def redis_url() -> str:
    """Database BENCH_REDIS_DB (default 8, as the other benches) of REDIS_URL's server: no job is queued here."""
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return re.sub(r"/\d*$", "", base.rstrip("/")) + f"/{os.environ.get('BENCH_REDIS_DB', '8')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        urls = [("SQLite", f"sqlite:///{folder}/bench.db")]
        if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
            urls.append(("PostgreSQL", _create_pg_database(os.environ["DATABASE_URL"])))
        try:
            print(f"{'database':<11} {'what':<38} {'n':>5} {'err':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
                  f"{'cpu p50':>7} {'sql':>4}")
            for name, url in urls:
                _migrate(url)
                app = build_app(url, redis_url(), Path(folder))
                app.extensions["vertrouwd_settings"].login_rate_limit = "100000 per minute"
                with app.app_context():
                    fill(db.session())
                    db.session.commit()
                db.session.remove()
                measure_all(name, app, args.rounds)
                db.session.remove()
                db.engine.dispose()
        finally:
            for _name, url in urls[1:]:
                _drop_pg_database(url)


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


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(q * len(ordered) + 0.5) - 1)]


def measure(name: str, what: str, client, url: str, rounds: int, headers: dict | None = None,
            expected: int = 200) -> None:
    """``url`` ``rounds`` times after ten unmeasured requests; one line of figures."""
    statements = [0]

    def counted(*_args) -> None:
        statements[0] += 1

    for _ in range(10):
        client.get(url, headers=headers or {}).close()
    timings, cpu, errors = [], [], 0
    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        for _ in range(rounds):
            started, used = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers or {})
            response.get_data()
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
            errors += response.status_code != expected
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    print(f"{name:<11} {what:<38} {rounds:>5} {errors:>4} {quantile(timings, .5):7.1f} "
          f"{quantile(timings, .95):7.1f} {max(timings):7.1f} {quantile(cpu, .5):7.1f} {statements[0] / rounds:4.1f}",
          flush=True)


def measure_all(name: str, app, rounds: int) -> None:
    anonymous = app.test_client()
    feed = anonymous.get("/api/v1/public/confidants")
    shown = len(feed.get_json()["confidants"])
    print(f"{name:<11} (published: {shown} active confidants; JSON {len(feed.get_data())} bytes)")
    measure(name, "public page /vertrouwenspersonen", anonymous, "/vertrouwenspersonen", rounds)
    measure(name, "public page, one entity", anonymous, "/vertrouwenspersonen?entity=OMG", rounds)
    measure(name, "JSON feed", anonymous, "/api/v1/public/confidants", rounds)
    measure(name, "CSV feed", anonymous, "/api/v1/public/confidants.csv", rounds)
    measure(name, "JSON feed unchanged: 304", anonymous, "/api/v1/public/confidants", rounds,
            {"If-None-Match": feed.headers["ETag"]}, expected=304)
    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    measure(name, "full list /roster/?status=all (PAPSY)", papsy, "/roster/?status=all", rounds)
    measure(name, "its CSV export (PAPSY)", papsy, "/roster/export.csv?status=all", rounds)
    measure(name, "active list /roster/ (PAPSY), yardstick", papsy, "/roster/", rounds)


if __name__ == "__main__":
    main()
