"""The processes and databases behind bench/pages.py: gunicorn on a free port, CPU read from /proc, the bench
databases on PostgreSQL and the bench's Redis database."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import pages_data

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """utime + stime of each process (with its threads), from /proc."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime: fields 14 and 15 of stat
    return seconds


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings; a process that started in between counts from zero."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def worker_pids(master: int) -> list[int]:
    return [int(path.parent.name) for path in Path("/proc").glob("[0-9]*/stat")
            if _parent(path) == master]


def _parent(stat: Path) -> int | None:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (FileNotFoundError, IndexError, ValueError):
        return None


def backend_pids(database, name: str) -> list[int]:
    """The PostgreSQL backends serving the app (not this script's own connection)."""
    with database.connect() as connection:
        return list(connection.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = :d "
                                            "AND pid <> pg_backend_pid()"), {"d": name}))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, redis: str, workers: int, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, **pages_data.SETTINGS, "DATABASE_URL": url, "REDIS_URL": redis,
           "LOGIN_RATE_LIMIT": "100000 per minute", "VERTROUWD_INSTANCE": tempfile.mkdtemp(prefix="bench-pages-"),
           "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers",
                               str(workers), "--threads", str(threads), "--log-level", "warning", "app.wsgi:app"],
                              env=env, cwd=ROOT)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            assert server.poll() is None, "gunicorn exited"
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def database_url(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def create_database(server_url: str, name: str) -> str:
    _on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return database_url(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    _on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _on_server(server_url: str, *statements: str) -> None:
    admin = create_engine(make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    admin.dispose()


def redis_url() -> str:
    """Database 8 of REDIS_URL's server (the local one by default): apart from the tests' and the other benches'."""
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return re.sub(r"/\d*$", "", base.rstrip("/")) + "/8"


def instance_count(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(text("SELECT count(*) FROM process_instance"))
    engine.dispose()
    return count
