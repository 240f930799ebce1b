"""Dossier pages under load (issue 4): the list page and opening one dossier, with 50,000 dossiers on PostgreSQL.

A scratch database gets the demo data, 20 confidants of entity OMG with their key pairs (production Argon2id
cost) and DOSSIERS dossiers spread over them, each sealed as the application seals it (its own data key wrapped
for its confidant and the recovery key, the requester and one note encrypted, three categorical facts, one audit
entry); rows are written in bulk, the crypto is the application's. Then gunicorn serves the app (WORKERS x
THREADS) and each client, a confidant logged in through the real forms (password, TOTP enrolment), requests
its list page (`GET /dossiers`) and one of its dossiers at random (`GET /dossiers/<id>`: unwrap, decrypt, audit
append). Latency p50/p95 per page with 1 client, then with 20 concurrent clients.

    .venv/bin/python bench/dossiers.py [--dossiers 50000] [--requests 200] [--workers 2] [--threads 8]

PostgreSQL at DATABASE_URL's server (default the local one); Redis db 11 at REDIS_URL's server.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyotp  # noqa: E402
import requests  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from app.auth.accounts import ensure_user  # noqa: E402
from app.clock import now  # noqa: E402
from app.crypto import contexts, keys, recovery, user_keys  # noqa: E402
from app.crypto.keys import KdfParams  # noqa: E402
from app.db import db  # noqa: E402
from app.dossiers import audit  # noqa: E402
from app.models import AuditEntry, Dossier, DossierFact, DossierKey, DossierNote, Role  # noqa: E402
from tests.conftest import DEFAULT_REDIS, _create_pg_database, _drop_pg_database, _migrate, _pg_server_url, build_app  # noqa: E402
from tests.helpers import entity  # noqa: E402

PASSWORD = "bench-wachtwoord-1"
CLIENTS = 20
THEMES = ["stress", "burnout", "conflict", "bullying", "work_organisation", "private_situation"]


def make_confidants(session, count: int) -> list[tuple[int, str]]:
    user_keys.configure(KdfParams())  # the production cost, as the server will open them
    omg = entity(session, "OMG")
    people = []
    for n in range(count):
        email = f"bench.confidant{n}@omgeving.vlaanderen.example"
        person = ensure_user(session, email, f"Bench Vertrouwenspersoon {n}", [Role.CONFIDANT], entity_id=omg.id,
                             password=PASSWORD)
        user_keys.create_for(session, person, PASSWORD)
        people.append((person.id, email))
    session.commit()
    return people


def make_dossiers(session, owners: list[tuple[int, str]], count: int, rng: random.Random) -> dict[int, list[int]]:
    """Bulk rows sealed with the application's primitives; returns dossier ids per owner."""
    recovery_key = recovery.current(session)
    publics = {owner: user_keys.public_key(session, owner) for owner, _ in owners}
    entity_id = session.scalar(text("SELECT id FROM entity WHERE code = 'OMG'"))
    by_owner: dict[int, list[int]] = {owner: [] for owner, _ in owners}
    batch = 2000
    for start in range(1, count + 1, batch):
        rows, wraps, notes, facts = [], [], [], []
        for dossier_id in range(start, min(start + batch, count + 1)):
            owner = owners[dossier_id % len(owners)][0]
            data_key = keys.new_data_key()
            rows.append({"id": dossier_id, "confidant_id": owner, "entity_id": entity_id,
                         "opened_on": date(2022, 1, 1) + timedelta(days=dossier_id % 1700),
                         "consent_given": False, "referred_formal": False, "repeated_incident": False,
                         "delicate": False, "created_at": now(), "updated_at": now(),
                         "requester_sealed": keys.encrypt(data_key, f"Verzoeker {dossier_id}",
                                                          contexts.dossier_field(dossier_id, "requester"))})
            wraps.append({"dossier_id": dossier_id, "reader": "owner", "reader_id": owner,
                          "wrapped": keys.wrap_key(publics[owner], data_key,
                                                   contexts.data_key_for(dossier_id, "owner", owner))})
            wraps.append({"dossier_id": dossier_id, "reader": "recovery", "reader_id": recovery_key.id,
                          "wrapped": keys.wrap_key(recovery_key.public_key, data_key,
                                                   contexts.data_key_for(dossier_id, "recovery", recovery_key.id))})
            notes.append({"dossier_id": dossier_id, "written_at": now(), "body_sealed": keys.encrypt(
                data_key, "Eerste gesprek: " + "x" * rng.randint(200, 1500),
                contexts.dossier_field(dossier_id, "note"))})
            facts += [{"dossier_id": dossier_id, "kind": "theme", "value": rng.choice(THEMES)},
                      {"dossier_id": dossier_id, "kind": "person", "value": "colleague"},
                      {"dossier_id": dossier_id, "kind": "intervention", "value": "listening"}]
            by_owner[owner].append(dossier_id)
        for model, values in ((Dossier, rows), (DossierKey, wraps), (DossierNote, notes), (DossierFact, facts)):
            session.execute(insert(model), values)
        session.commit()
    session.execute(text("SELECT setval(pg_get_serial_sequence('dossier', 'id'), :n)"), {"n": count})
    for dossier_id in range(1, count + 1, 10):  # an audit trail of earlier use, through the real append
        audit.record(session, owners[dossier_id % len(owners)][0], dossier_id, audit.Action.READ)
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()
    return by_owner


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def log_in(base: str, email: str) -> requests.Session:
    client = requests.Session()
    page = client.get(f"{base}/login").text
    step = client.post(f"{base}/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf(page)},
                       allow_redirects=False)
    assert step.status_code == 302 and step.headers["Location"].endswith("/login/enrol"), step.status_code
    page = client.get(f"{base}/login/enrol").text
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page).group(1)
    done = client.post(f"{base}/login/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf(page)},
                       allow_redirects=False)
    assert done.status_code == 302, done.status_code
    client.get(f"{base}/account/recovery-codes")
    return client


def measure(base: str, clients: list[tuple[requests.Session, list[int]]], per_client: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"list": [], "open": []}
    lock = threading.Lock()

    def run(client: requests.Session, own: list[int], seed: int) -> None:
        rng, mine = random.Random(seed), {"list": [], "open": []}
        for n in range(per_client):
            kind = "list" if n % 2 == 0 else "open"
            url = f"{base}/dossiers" if kind == "list" else f"{base}/dossiers/{rng.choice(own)}"
            started = time.perf_counter()
            response = client.get(url, allow_redirects=False)
            mine[kind].append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        with lock:
            for key, values in mine.items():
                timings[key].extend(values)

    threads = [threading.Thread(target=run, args=(client, own, seed)) for seed, (client, own) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(q * len(ordered) + 0.5) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per client per round (half list, half open)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    redis_url = re.sub(r"/\d*$", "", (os.environ.get("REDIS_URL") or DEFAULT_REDIS).rstrip("/")) + "/11"
    database_url = _create_pg_database(_pg_server_url())
    server = None
    try:
        _migrate(database_url)
        workdir = Path(tempfile.mkdtemp())
        build_app(database_url, redis_url, workdir)
        session = db.session()
        started = time.perf_counter()
        owners = make_confidants(session, CLIENTS)
        by_owner = make_dossiers(session, owners, args.dossiers, random.Random(7))
        total = session.scalar(select(text("count(*)")).select_from(Dossier))
        audit_rows = session.scalar(select(text("count(*)")).select_from(AuditEntry))
        db.session.remove()
        db.engine.dispose()
        print(f"{total} dossiers ({total // CLIENTS} per confidant, {CLIENTS} confidants), {audit_rows} audit entries, "
              f"made in {time.perf_counter() - started:.0f} s", flush=True)

        port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "bench-secret",
               "LOGIN_RATE_LIMIT": "10000 per minute", "VERTROUWD_INSTANCE": str(workdir)}
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers",
                                   str(args.workers), "--threads", str(args.threads), "--log-level", "warning",
                                   "workers.wsgi:app"], env=env, cwd=Path(__file__).resolve().parent.parent)
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                requests.get(f"{base}/login", timeout=10)
                break
            except requests.RequestException:
                assert server.poll() is None, "gunicorn exited"
                time.sleep(0.2)
        clients = [(log_in(base, email), by_owner[owner]) for owner, email in owners]
        measure(base, clients[:2], 10)  # warm up both workers
        print(f"gunicorn {args.workers} workers x {args.threads} threads; {args.requests} requests per client")
        print(f"{'clients':>7} {'page':<32} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for concurrency in (1, CLIENTS):
            timings = measure(base, clients[:concurrency], args.requests)
            for kind, label in (("list", "GET /dossiers (50 newest)"), ("open", "GET /dossiers/<id> (decrypt)")):
                values = timings[kind]
                print(f"{concurrency:>7} {label:<32} {len(values):>6} {quantile(values, .5) * 1000:>8.1f} "
                      f"{quantile(values, .95) * 1000:>8.1f} {max(values) * 1000:>8.1f}", flush=True)
        print("target (issue 4): p95 <= 50 ms")
    finally:
        if server is not None:
            server.terminate()
            server.wait(15)
        db.session.remove()
        db.engine.dispose()
        _drop_pg_database(database_url)


if __name__ == "__main__":
    main()
