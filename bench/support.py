"""What the in-process benches share (bench/intervision.py, lists.py, library.py, room.py, retention.py,
sessions.py): the scratch databases, the app filled on one of them, the bench's Redis database, and the figures of a
URL asked many times at one client (Flask's test client, no network). Nothing here asserts on time."""
from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event

from app.db import db
from tests.conftest import _create_pg_database, _drop_pg_database, _migrate, build_app

WARM_UP = 10  # unmeasured requests before the measured ones


@contextmanager
def scratch_databases() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """A scratch folder and the databases to measure on, as (name, URL): an SQLite one in the folder, and a
    PostgreSQL one too when DATABASE_URL points at a server (created here and dropped at the end)."""
    with tempfile.TemporaryDirectory() as folder:
        urls = [("SQLite", f"sqlite:///{folder}/bench.db")]
        if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
            urls.append(("PostgreSQL", _create_pg_database(os.environ["DATABASE_URL"])))
        try:
            yield folder, urls
        finally:
            for _name, url in urls[1:]:
                _drop_pg_database(url)


def redis_url(number: int | str = 8) -> str:
    """Database ``number`` of REDIS_URL's server (the local one by default): apart from the tests' database."""
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return re.sub(r"/\d*$", "", base.rstrip("/")) + f"/{number}"


def filled_app(url: str, redis: str, folder: str, fill: Callable):
    """The app on the migrated database ``url`` (the demo people, logins not throttled) after ``fill(session)`` is
    committed; returns the app and what ``fill`` returned."""
    _migrate(url)
    app = build_app(url, redis, Path(folder))
    app.extensions["vertrouwd_settings"].login_rate_limit = "100000 per minute"
    with app.app_context():
        filled = fill(db.session())
        db.session.commit()
    db.session.remove()
    return app, filled


def done_with_database() -> None:
    """Lets go of the database measured, so that the next one (or dropping it) starts clean."""
    db.session.remove()
    db.engine.dispose()


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(q * len(ordered) + 0.5) - 1)]


def print_header(label: str = "url", cpu: bool = False) -> None:
    """The column heads of ``measure``'s lines (``cpu``: with the column of this process's CPU)."""
    print(f"{'database':<11} {label:<40} {'n':>5} {'err':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
          + (f"{'cpu p50':>7} " if cpu else "") + f"{'sql':>4}")


def measure(name: str, client, url: str, rounds: int, headers: dict | None = None, *, what: str | None = None,
            expected: int = 200, cpu: bool = False) -> None:
    """``url`` ``rounds`` times after ten unmeasured requests; one line of figures: wall p50, p95 and max, the
    answers other than ``expected``, (``cpu``: the p50 of this process's CPU, steadier than the wall clock on a
    shared machine) and the SQL statements per request. The line names ``what``, else the URL."""
    statements = [0]

    def counted(*_args) -> None:
        statements[0] += 1

    for _ in range(WARM_UP):
        client.get(url, headers=headers or {}).close()
    timings, used, errors = [], [], 0
    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        for _ in range(rounds):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers or {})
            response.get_data()
            timings.append((time.perf_counter() - started) * 1000)
            used.append((time.process_time() - cpu_started) * 1000)
            errors += response.status_code != expected
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    print(f"{name:<11} {(what or url)[:40]:<40} {rounds:>5} {errors:>4} {quantile(timings, .5):7.1f} "
          f"{quantile(timings, .95):7.1f} {max(timings):7.1f} " + (f"{quantile(used, .5):7.1f} " if cpu else "")
          + f"{statements[0] / rounds:4.1f}", flush=True)
