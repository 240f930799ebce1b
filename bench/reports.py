"""The reports (R7) at scale: 100,000 dossiers over five years and 20 entities.

A scratch SQLite database, and a PostgreSQL one too when DATABASE_URL points at a server (created and dropped here).
Each gets the demo people, 18 more entities with a confidant each, and ``--dossiers`` synthetic dossiers made as
`vertrouwd demo --dossiers N` makes them (really sealed: a data key each, wrapped for the confidant and the recovery
key; batch inserts), timed. Then, as the OMG PAPSY:

1. cold: the network report page of the last full year when nothing is published yet (every year made, suppressed
   and stored: the page shows the trend over the years), the same page after a process start (the stored snapshots
   read), and one year made alone (the suppression of one year: 7 dimensions x 5 periods x the entities);
2. warm: the page, the entity page, the CSV and the API asked many times (p50/p95).

    .venv/bin/python bench/reports.py [--dossiers 100000]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/reports.py
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time_machine  # noqa: E402
from sqlalchemy import delete, true  # noqa: E402

from app.auth.accounts import ensure_user  # noqa: E402
from app.db import db  # noqa: E402
from app.demo import DEMO_PASSWORD  # noqa: E402
from app.models import Confidant, ConfidantStatus, Entity, ReportSnapshot, Role  # noqa: E402
from app.reports import demo, services  # noqa: E402
from bench.support import done_with_database, filled_app, measure, print_header, redis_url, scratch_databases  # noqa: E402
from tests.api_client import bearer  # noqa: E402
from tests.helpers import OMG_PAPSY, login  # noqa: E402

NOW = datetime(2026, 12, 6, 9, tzinfo=timezone.utc)
YEAR = 2025


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    logging.getLogger().setLevel(logging.WARNING)
    with scratch_databases() as (folder, urls), time_machine.travel(NOW, tick=True):
        for name, url in urls:
            filling = {}
            app, _ = filled_app(url, redis_url(), folder, lambda session: fill(session, args.dossiers, filling))
            print(f"{name}: {args.dossiers} dossiers made and sealed in {filling['seconds']:.1f} s "
                  f"({filling['seconds'] * 1e6 / args.dossiers:.0f} µs each)", flush=True)
            client = app.test_client()
            login(client, OMG_PAPSY)
            cold(name, app, client)
            print_header()
            for url_ in (f"/reports/?year={YEAR}", f"/reports/?year={YEAR}&entity=OMG&quarter=2",
                         f"/reports/export.csv?year={YEAR}"):
                measure(name, client, url_, args.rounds)
            measure(name, client, f"/api/v1/reports/requests?year={YEAR}", args.rounds, bearer(app, OMG_PAPSY))
            done_with_database()


def fill(session, count: int, filling: dict) -> None:
    for number in range(1, 19):
        entity = Entity(code=f"E{number:02d}", name=f"Entiteit {number}")
        session.add(entity)
        session.flush()
        person = ensure_user(session, f"vp{number}@bench.example", f"Vertrouwenspersoon {number}", [Role.CONFIDANT],
                             entity_id=entity.id, password=DEMO_PASSWORD)
        session.add(Confidant(user_id=person.id, entity_id=entity.id, name=person.name, email=person.email,
                              function="Medewerker", status=ConfidantStatus.ACTIVE, appointed_on=date(2020, 1, 1),
                              training_due_on=date(2021, 1, 1)))
    session.flush()
    started = time.perf_counter()
    demo.add_dossiers(session, count, DEMO_PASSWORD, NOW.date(), years=5)
    session.commit()
    filling["seconds"] = time.perf_counter() - started


def cold(name: str, app, client) -> None:
    """The three cold cases: the first publication of every year (made, suppressed and stored), a process start
    (stored snapshots, no process cache), and one year made alone."""
    unpublish(app)
    first = timed_page(client)
    services.clear_cache()
    restart = timed_page(client)
    unpublish(app, YEAR)
    with app.app_context():
        started = time.perf_counter()
        result = services.year_result(db.session(), YEAR, 5, NOW.date())
        one = time.perf_counter() - started
        hidden = sum(cell.suppressed for cell in result.entries.values())
        db.session.remove()
    print(f"{name}: first publication, page with every year {first * 1000:.0f} ms; after a process start "
          f"{restart * 1000:.0f} ms; one year made alone {one * 1000:.0f} ms ({len(result.entries)} counts, "
          f"{hidden} hidden, {len(result.columns)} columns)", flush=True)


def unpublish(app, year: int | None = None) -> None:
    with app.app_context():
        session = db.session()
        session.execute(delete(ReportSnapshot).where(true() if year is None else ReportSnapshot.year == year))
        session.commit()
        db.session.remove()
    services.clear_cache()


def timed_page(client) -> float:
    started = time.perf_counter()
    assert client.get(f"/reports/?year={YEAR}").status_code == 200
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
