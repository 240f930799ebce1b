"""The list pages at scale (issue 9): inbox, instance list, dossier list and roster at 10,000 and 100,000 instances.

For each size a PostgreSQL database of its own (`vertrouwd_bench_<n>`, see bench/pages_data.py) is migrated and
filled, gunicorn serves the app on it (2 workers), clients log in through the real forms (password, then the TOTP
code) and request each page ROUNDS times: first one client, the sizes taking turns every 10 requests (so that a
machine whose speed drifts during the run changes both alike), then 20 at once, each with its own session. Printed
per page: p50/p95/max latency, and at one client the CPU each page costs the gunicorn workers and the PostgreSQL
backends (utime+stime from /proc around each turn, divided by the requests). Last, the ratio
p95(largest)/p95(smallest) at one client, and the p95 at 20 clients.

    .venv/bin/python bench/pages.py [--sizes 10000,100000] [--rounds 200] [--clients 1,20] [--keep]
                                    [--reuse vertrouwd_bench_10000,vertrouwd_bench_100000] [--threads 4]
    .venv/bin/python bench/pages_profile.py --reuse vertrouwd_bench_100000   # cProfile of one page, in process

Targets (issue 9): p95 <= 50 ms at one client for every page at 100k; p95(100k) <= 1.3 x p95(10k); server CPU
<= 8 ms per inbox or dossier-list page. PostgreSQL at DATABASE_URL's server (default the local one); Redis db 8 at
REDIS_URL's server (default 127.0.0.1:6379).
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyotp  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bench import pages_data  # noqa: E402
from bench.pages_server import (  # noqa: E402
    backend_pids, cpu_seconds, cpu_spent, create_database, database_url, drop_database, instance_count, redis_url,
    start_server, worker_pids,
)

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
COOKIE = "vertrouwd_session"


@dataclass(frozen=True)
class Page:
    name: str
    url: str  # may name {entity}: the client's own entity code
    role: str  # who requests it: "papsy" or "confidant"
    cpu_target: bool = False  # issue 9 sets <= 8 ms server CPU for this page
    compared: bool = True  # False: the smaller database has no such page (past the last), so no ratio


PAGES = [
    Page("inbox", "/inbox", "papsy", True),
    Page("inbox late sorted", "/inbox?due=late&assigned=any&sort=-due_at", "papsy", True),
    Page("inbox search", "/inbox?q=Peeters", "papsy", True),
    Page("inbox page 7", "/inbox?page=7", "papsy", True),  # deep at 10k too (its last full page of 8)
    Page("inbox page 40", "/inbox?page=40", "papsy", True, compared=False),
    Page("instances", "/instances", "papsy"),
    Page("instances filtered", "/instances?model=appointment&status=running&entity={entity}"
                               "&started_from=2025-01-01&started_to=2030-12-31", "papsy"),
    Page("instances search", "/instances?q=Peeters", "papsy"),
    Page("instances page 40", "/instances?page=40", "papsy"),
    Page("dossiers", "/dossiers", "confidant", True),  # 50 of ~310 at 100k, all ~31 at 10k
    Page("roster", "/roster/", "papsy"),
]


class Client:
    """One browser: its own keep-alive connection and session cookie (http.client, no third-party client)."""

    def __init__(self, port: int, email: str, entity: str) -> None:
        self.port, self.email, self.entity, self.cookie = port, email, entity, None
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> tuple[int, dict, str]:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> tuple[int, dict, str]:
        return self.request("POST", path, urlencode(form))

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, dict, str]:
        headers = {"User-Agent": "bench-pages"}
        if self.cookie:
            headers["Cookie"] = f"{COOKIE}={self.cookie}"
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):  # the server may have closed an idle keep-alive connection
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read().decode()
                break
            except (http.client.RemoteDisconnected, ConnectionError, http.client.CannotSendRequest):
                self.connection.close()
                if attempt == 2:
                    raise
        self._keep_cookie(response.headers.get_all("Set-Cookie") or [])
        if response.headers.get("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, dict(response.headers), data

    def _keep_cookie(self, cookies: list[str]) -> None:
        for cookie in cookies:
            if cookie.startswith(f"{COOKIE}="):
                value = cookie.split(";", 1)[0].split("=", 1)[1]
                self.cookie = value if value and "Max-Age=0" not in cookie else None


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def log_in(client: Client, database) -> None:
    """The real forms: the password, then a TOTP code of the known secret (the code's time step is forgotten
    first, so that the same user may log in several times within one step, as bench/login.py does)."""
    _, _, page = client.get("/login")
    status, headers, _ = client.post("/login", {"email": client.email, "password": pages_data.PASSWORD,
                                                "csrf_token": csrf(page)})
    assert status == 302 and headers["Location"].endswith("/login/code"), (client.email, status)
    with database.begin() as connection:
        connection.execute(text("UPDATE user_account SET totp_last_step = NULL WHERE email = :e"), {"e": client.email})
    _, _, page = client.get("/login/code")
    status, _, _ = client.post("/login/code", {"code": pyotp.TOTP(pages_data.TOTP_SECRET).now(),
                                               "csrf_token": csrf(page)})
    assert status == 302, (client.email, status)


def bench_accounts(database) -> dict[str, list[tuple[str, str]]]:
    """(e-mail, entity code) of the PAPSY (5 people) and of the benched confidants (one per entity, with keys)."""
    with database.connect() as connection:
        papsy = connection.execute(text(
            "SELECT u.email, min(e.code) FROM user_account u JOIN user_role r ON r.user_id = u.id "
            "JOIN papsy_assignment a ON a.user_id = u.id JOIN entity e ON e.id = a.entity_id "
            "WHERE r.role = 'papsy' GROUP BY u.id, u.email ORDER BY u.id")).all()
        confidants = connection.execute(text(
            "SELECT u.email, e.code FROM user_account u JOIN user_key k ON k.user_id = u.id "
            "JOIN entity e ON e.id = u.entity_id ORDER BY u.id")).all()
    return {"papsy": [tuple(row) for row in papsy], "confidant": [tuple(row) for row in confidants]}


def bench_clients(port: int, database, count: int) -> dict[str, list[Client]]:
    """``count`` logged-in sessions per role, the people taken in turn."""
    clients = {role: [Client(port, *people[n % len(people)]) for n in range(count)]
               for role, people in bench_accounts(database).items()}
    for role_clients in clients.values():
        for client in role_clients:
            log_in(client, database)
    return clients


@dataclass
class Result:
    timings: list[float] = field(default_factory=list)
    errors: int = 0
    bytes: int = 0
    server_cpu_ms: float | None = None
    db_cpu_ms: float | None = None


def measure(page: Page, clients: list[Client], rounds: int) -> Result:
    result, lock = Result(), threading.Lock()

    def run(client: Client) -> None:
        url = page.url.format(entity=client.entity)
        mine, errors, size = [], 0, 0
        for _ in range(rounds):
            started = time.perf_counter()
            status, _, body = client.get(url)
            mine.append(time.perf_counter() - started)
            errors += status != 200
            size = len(body)
        with lock:
            result.timings.extend(mine)
            result.errors += errors
            result.bytes = size

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(q * len(ordered) + 0.5) - 1)]


BLOCK = 10  # requests per page to one size before the other's turn (one client)


@dataclass
class Server:
    """A size's database and its gunicorn, with logged-in clients."""

    name: str
    url: str
    database: object
    process: subprocess.Popen
    clients: dict[str, list[Client]]
    workers: list[int]

    def cpu(self) -> tuple[dict[int, float], dict[int, float]]:
        return cpu_seconds(self.workers), cpu_seconds(backend_pids(self.database, self.name))


def start(name: str, url: str, args) -> Server:
    database = create_engine(url)
    process, port = start_server(url, args.redis_url, args.workers, args.threads)
    server = Server(name, url, database, process, bench_clients(port, database, max(args.clients)),
                    worker_pids(process.pid))
    for page in PAGES:  # both workers compile the templates and fill their caches before any figure
        measure(page, server.clients[page.role][:4], 3)
    return server


def stop(server: Server) -> None:
    server.process.terminate()
    server.process.wait(30)
    server.database.dispose()


def bench_one_client(servers: list[Server], rounds: int) -> dict[str, dict[tuple[int, str], Result]]:
    """Each page at one client, the sizes taking turns every BLOCK requests: a machine that gets slower or faster
    during the run changes every size alike, so their ratio stays the code's."""
    results = {server.name: {} for server in servers}
    for page in PAGES:
        totals = {server.name: (Result(server_cpu_ms=0.0, db_cpu_ms=0.0)) for server in servers}
        for _ in range(max(1, rounds // BLOCK)):
            for server in servers:
                before = server.cpu()
                block = measure(page, server.clients[page.role][:1], BLOCK)
                after = server.cpu()
                total = totals[server.name]
                total.timings += block.timings
                total.errors, total.bytes = total.errors + block.errors, block.bytes
                total.server_cpu_ms += cpu_spent(before[0], after[0]) * 1000
                total.db_cpu_ms += cpu_spent(before[1], after[1]) * 1000
        for server in servers:
            total = totals[server.name]
            total.server_cpu_ms /= len(total.timings)
            total.db_cpu_ms /= len(total.timings)
            results[server.name][1, page.name] = total
            print_row(server.name, 1, page, total)
    return results


def bench_crowd(server: Server, concurrency: int, rounds: int) -> dict[tuple[int, str], Result]:
    results = {}
    for page in PAGES:
        result = measure(page, server.clients[page.role][:concurrency], max(1, rounds // concurrency))
        results[concurrency, page.name] = result
        print_row(server.name, concurrency, page, result)
    return results


def print_header() -> None:
    print(f"{'database':<24} {'cl':>3} {'page':<22} {'n':>5} {'err':>4} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'max ms':>7} {'cpu ms':>7} {'db ms':>6} {'KiB':>5}", flush=True)


def print_row(name: str, concurrency: int, page: Page, result: Result) -> None:
    ms = [value * 1000 for value in result.timings]
    cpu = f"{result.server_cpu_ms:7.1f}" if result.server_cpu_ms is not None else f"{'':7}"
    db = f"{result.db_cpu_ms:6.1f}" if result.db_cpu_ms is not None else f"{'':6}"
    print(f"{name:<24} {concurrency:>3} {page.name:<22} {len(ms):>5} {result.errors:>4} {quantile(ms, .5):7.1f} "
          f"{quantile(ms, .95):7.1f} {max(ms):7.1f} {cpu} {db} {result.bytes // 1024:>5}", flush=True)


def print_summary(by_size: dict[int, dict], clients: list[int]) -> None:
    sizes = sorted(by_size)
    small, large = sizes[0], sizes[-1]
    many = max(clients)
    print(f"\nsummary: p95 at 1 client for {small:,} and {large:,} instances, their ratio (target <= 1.3 at "
          f"100k), p95 at {many} clients, server CPU per page at {large:,} (target <= 8 ms for inbox and dossiers)")
    print(f"{'page':<22} {'p95 small':>9} {'p95 large':>9} {'ratio':>6} {f'p95 {many}cl':>9} {'cpu ms':>7}")
    for page in PAGES:
        p95 = {size: quantile([v * 1000 for v in by_size[size][1, page.name].timings], .95) for size in sizes}
        crowd = quantile([v * 1000 for v in by_size[large][many, page.name].timings], .95) \
            if (many, page.name) in by_size[large] else float("nan")
        cpu = by_size[large][1, page.name].server_cpu_ms
        flags = ("" if p95[large] <= 50 else " p95>50") + \
                (" cpu>8" if page.cpu_target and cpu is not None and cpu > 8 else "")
        ratio = f"{p95[large] / p95[small]:6.2f}" if page.compared else f"{'n/a':>6}"
        print(f"{page.name:<22} {p95[small]:9.1f} {p95[large]:9.1f} {ratio} {crowd:9.1f} {cpu:7.1f}{flags}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="instances per database (tasks x3, dossiers /2)")
    parser.add_argument("--rounds", type=int, default=200,
                        help="requests per page at each number of clients, shared among the clients")
    parser.add_argument("--clients", default="1,20", help="concurrent clients, in turn")
    parser.add_argument("--keep", action="store_true", help="keep the databases (for --reuse)")
    parser.add_argument("--reuse", help="comma-separated database names made earlier with --keep: no generation")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (the Dockerfile's 4)")
    parser.add_argument("--pages", help="comma-separated page names (default: all)")
    args = parser.parse_args()
    if args.pages:
        PAGES[:] = [page for page in PAGES if page.name in args.pages.split(",")]
    args.clients = [int(n) for n in args.clients.split(",")]
    server_url = os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith(
        "postgresql") else DEFAULT_PG
    args.redis_url = redis_url()
    names = args.reuse.split(",") if args.reuse else [f"vertrouwd_bench_{n}" for n in args.sizes.split(",")]
    urls = {name: database_url(server_url, name) for name in names}
    servers = []
    try:
        for name, url in urls.items():
            if not args.reuse:
                generate(server_url, name, url)
        print_header()
        servers = [start(name, url, args) for name, url in urls.items()]
        results = bench_one_client(servers, args.rounds) if 1 in args.clients else \
            {server.name: {} for server in servers}
        for concurrency in (n for n in args.clients if n > 1):
            for server in servers:
                results[server.name].update(bench_crowd(server, concurrency, args.rounds))
        by_size = {instance_count(server.url): results[server.name] for server in servers}
    finally:
        for server in servers:
            stop(server)
        if not args.keep and not args.reuse:
            for name in names:
                drop_database(server_url, name)
    if len(by_size) > 1 and 1 in args.clients:
        print_summary(by_size, args.clients)


def generate(server_url: str, name: str, url: str) -> None:
    started = time.perf_counter()
    create_database(server_url, name)
    counts = pages_data.generate(url, pages_data.Size.of(int(name.rsplit("_", 1)[1])))
    print(f"{name}: generated in {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{count:,} {table}" for table, count in counts.items()), flush=True)


if __name__ == "__main__":
    main()
