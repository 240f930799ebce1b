"""Where a list page's CPU goes: the pages of bench/pages.py in process (Flask's test client, no server) against a
bench database kept with `bench/pages.py --keep`, logged in through the real forms.

Per page: the CPU per request (time.process_time, in batches of 10 requests: the least disturbed batch and the
median, as other processes share the machine), the SQL statements per request, and
whether any of them reads ``state_json`` (list pages must never load the workflow state). With --profile, the
functions cProfile finds most expensive over those requests.

    .venv/bin/python bench/pages_profile.py --reuse vertrouwd_bench_100000 [--page inbox] [--requests 50]
                                            [--profile] [--top 30] [--sort tottime]
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event  # noqa: E402

from app import create_app  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import db  # noqa: E402
from bench import pages_data  # noqa: E402
from bench.pages import DEFAULT_PG, PAGES, bench_accounts, log_in  # noqa: E402
from bench.pages_server import database_url, redis_url  # noqa: E402


class InProcessClient:
    """The interface bench/pages.py logs in with, over Flask's test client (which keeps the cookie itself)."""

    def __init__(self, app, email: str, entity: str) -> None:
        self.client, self.email, self.entity = app.test_client(), email, entity

    def get(self, path: str) -> tuple[int, dict, str]:
        response = self.client.get(path)
        return response.status_code, dict(response.headers), response.get_data(as_text=True)

    def post(self, path: str, form: dict) -> tuple[int, dict, str]:
        response = self.client.post(path, data=form)
        return response.status_code, dict(response.headers), response.get_data(as_text=True)


class Statements:
    """The SQL statements the app sends while counting."""

    def __init__(self, engine) -> None:
        self.seen: list[str] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, connection, cursor, statement, parameters, context, executemany) -> None:
        self.seen.append(statement)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", required=True, help="a database made by bench/pages.py --keep")
    parser.add_argument("--page", help="one page of bench/pages.py by name (default: all)")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()
    server = os.environ["DATABASE_URL"] if os.environ.get("DATABASE_URL", "").startswith("postgresql") else DEFAULT_PG
    url = database_url(server, args.reuse)
    settings = Settings(database_url=url, redis_url=redis_url(), login_rate_limit="100000 per minute",
                        secret_key=pages_data.SETTINGS["SECRET_KEY"], totp_key=pages_data.SETTINGS["TOTP_KEY"],
                        audit_key=pages_data.SETTINGS["AUDIT_KEY"],
                        upload_dir=Path(tempfile.mkdtemp(prefix="bench-profile-")) / "uploads")
    app = create_app(settings)
    admin = create_engine(url)
    clients = {role: InProcessClient(app, *people[0]) for role, people in bench_accounts(admin).items()}
    for client in clients.values():
        log_in(client, admin)
    statements = Statements(db.engine)
    print(f"{'page':<22} {'cpu min':>7} {'median':>7} {'SQL/req':>8} {'state_json':>10}")
    for page in PAGES:
        if args.page and page.name != args.page:
            continue
        client = clients[page.role]
        url_path = page.url.format(entity=client.entity)
        for _ in range(3):
            assert client.get(url_path)[0] == 200, page.name
        statements.seen.clear()
        batches = []  # the CPU of a request in batches of 10: the least disturbed batch is the page's own cost
        for _ in range(max(1, args.requests // 10)):
            started = time.process_time()
            for _ in range(10):
                client.get(url_path)
            batches.append((time.process_time() - started) * 100)
        reads_state = sum("state_json" in statement for statement in statements.seen)
        print(f"{page.name:<22} {min(batches):7.1f} {statistics.median(batches):7.1f} "
              f"{len(statements.seen) / (10 * len(batches)):8.1f} {'READ' if reads_state else 'never':>10}", flush=True)
        if args.profile:
            profiler = cProfile.Profile(time.process_time)  # CPU, not the waits for PostgreSQL
            profiler.enable()
            for _ in range(args.requests):
                client.get(url_path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    admin.dispose()


if __name__ == "__main__":
    main()
