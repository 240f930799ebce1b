"""`vertrouwd init` and `vertrouwd run` on one machine (issue 8, item 12): the instance folder is its owner's
alone, and a stop signal ends the web server, the worker and the embedded Redis."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from app.config import PROJECT_ROOT

START_SECONDS, STOP_SECONDS = 60, 40  # bounds, not waits: the loops end as soon as the condition holds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(instance: Path, port: int) -> dict:
    """SQLite and the embedded Redis in ``instance``; cheap Argon2; nothing of the test run's own services."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "TOTP_KEY", "AUDIT_KEY")}
    env.update(VERTROUWD_INSTANCE=str(instance), PORT=str(port), HOST="127.0.0.1", ARGON2_TIME_COST="1",
               ARGON2_MEMORY_KIB="1024", ARGON2_PARALLELISM="1", RECONCILE_SECONDS="1", PYTHONUNBUFFERED="1")
    return env


def _cli(*args: str, env: dict, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "workers.cli", *args], cwd=PROJECT_ROOT, env=env, **kwargs)


@pytest.fixture(scope="module")
def initialised(tmp_path_factory) -> Path:
    """An instance folder after `vertrouwd init` (copied by each test that runs it)."""
    instance = tmp_path_factory.mktemp("run") / "instance"
    init = _cli("init", env=_environment(instance, 0), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = init.communicate(timeout=180)
    assert init.returncode == 0, output.decode()
    return instance


def _open_to_others(instance: Path) -> list[str]:
    """Paths under ``instance`` (itself included) that group or others may read, write or enter."""
    found = []
    for path in (instance, *instance.rglob("*")):
        if path.is_symlink():  # the Redis socket's link: its target folder is checked by the caller
            continue
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            found.append(f"{path.relative_to(instance.parent)} {oct(stat.S_IMODE(path.stat().st_mode))}")
    return found


def _redis_pid(instance: Path) -> int:
    registry = json.loads((instance / "redis.rdb.settings").read_text())
    return int(Path(registry["pidfile"]).read_text())


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _stop_signals_by_default() -> None:
    """A test run under `nohup` or as a script's background job would hand its ignored signals on: undo that."""
    for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, signal.SIG_DFL)


@contextmanager
def running(instance: Path):
    """`vertrouwd run` on ``instance`` until its web port answers; yields (process, pids of the whole run)."""
    port = _free_port()
    run = _cli("run", env=_environment(instance, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
               preexec_fn=_stop_signals_by_default)
    pids: set[int] = set()
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert run.poll() is None, f"vertrouwd run ended early with {run.returncode}"
            assert time.monotonic() < deadline, "the web port did not answer"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        pids = {run.pid, _redis_pid(instance), *(child.pid for child in psutil.Process(run.pid).children(True))}
        assert len(pids) >= 3, "web, worker and redis-server"
        yield run, pids
    finally:
        for pid in pids | {run.pid}:  # whatever the test found, leave nothing of this run behind
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        run.wait(timeout=STOP_SECONDS)


def test_item12_instance_is_private_after_init(initialised):
    assert (initialised / "vertrouwd.db").exists() and (initialised / "secret_key").exists()
    assert _open_to_others(initialised) == []


def _stop_and_find_what_is_left(run: subprocess.Popen, pids: set[int], stop: signal.Signals) -> dict[int, str]:
    run.send_signal(stop)
    deadline = time.monotonic() + STOP_SECONDS
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return {pid: psutil.Process(pid).name() for pid in pids if _alive(pid)}


def test_item12_run_keeps_the_instance_private_and_sigterm_ends_web_worker_and_redis(initialised, tmp_path):
    instance = tmp_path / "instance"
    shutil.copytree(initialised, instance)
    instance.chmod(0o755)  # as an older version left it: the run tightens what exists
    (instance / "vertrouwd.db").chmod(0o644)
    with running(instance) as (run, pids):
        assert (instance / "appendonly.aof").exists()
        assert _open_to_others(instance) == []
        socket_folder = Path(os.readlink(instance / "redis.sock")).parent
        assert stat.S_IMODE(socket_folder.stat().st_mode) == 0o700, "the socket, pid and log of Redis"
        assert _stop_and_find_what_is_left(run, pids, signal.SIGTERM) == {}


def test_item12_sighup_ends_web_worker_and_redis_too(initialised, tmp_path):
    """A closed terminal (SIGHUP) as well: the worker and Redis run in sessions of their own and would stay."""
    instance = tmp_path / "instance"
    shutil.copytree(initialised, instance)
    with running(instance) as (run, pids):
        assert _stop_and_find_what_is_left(run, pids, signal.SIGHUP) == {}
