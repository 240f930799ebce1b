"""What a server-side session costs each request (issue 8): opening it (one SELECT by primary key, HKDF and
AES-GCM) and saving it unchanged (no write; a touch at most once a minute), next to a whole cheap page.

In process on a scratch SQLite database, and on PostgreSQL with DATABASE_URL set. A confidant logs in through
the real forms; then ROUNDS times: the session interface alone (open + save, as Flask calls them), and the
whole request `GET /roster/` (the published roster, a light page) for comparison.

    .venv/bin/python bench/sessions.py [--rounds 2000]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import request  # noqa: E402

from app.auth.web_sessions import COOKIE_NAME  # noqa: E402
from bench.support import scratch_databases  # noqa: E402
from tests.conftest import DEFAULT_REDIS, _migrate, build_app  # noqa: E402
from tests.helpers import OMG_CONFIDANT, login  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    with scratch_databases() as (folder, urls):
        for name, url in urls:
            _migrate(url)
            measure(name, build_app(url, DEFAULT_REDIS, Path(folder)), args.rounds)


def measure(name: str, app, rounds: int) -> None:
    client = app.test_client()
    login(client, OMG_CONFIDANT)
    token = client.get_cookie(COOKIE_NAME).value
    interface, session_ms, page_ms = app.session_interface, [], []
    with app.test_request_context("/roster/", headers={"Cookie": f"{COOKIE_NAME}={token}"},
                                  environ_base=client.environ_base):
        for _ in range(rounds):
            started = time.perf_counter()
            session = interface.open_session(app, request)
            interface.save_session(app, session, app.response_class())
            session_ms.append((time.perf_counter() - started) * 1000)
    assert session.get("held_key"), "the session opened with its held key"
    for _ in range(rounds):
        started = time.perf_counter()
        assert client.get("/roster/").status_code == 200
        page_ms.append((time.perf_counter() - started) * 1000)
    session, page = statistics.median(session_ms), statistics.median(page_ms)
    print(f"{name:10s} session open+save p50 {session:.3f} ms   GET /roster/ p50 {page:.3f} ms   "
          f"share {session / page:.0%}   ({rounds} rounds)")


if __name__ == "__main__":
    main()
