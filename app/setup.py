"""Bringing a database up to date (Alembic) and running everything on one machine."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from app.config import INSTANCE_DIR, PROJECT_ROOT, Settings


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str) -> None:
    """Create or upgrade the schema to the newest migration."""
    if database_url.startswith("sqlite:///"):
        INSTANCE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), "head")
    if database_url.startswith("sqlite:///"):
        make_private(INSTANCE_DIR)
        _make_file_private(Path(database_url.removeprefix("sqlite:///")))


def make_private(folder: Path) -> None:
    """The instance folder and all it holds (SQLite file, embedded Redis files, secrets, uploads) are its
    owner's alone: 0700 folders, 0600 files. Links are left as they are (the Redis socket's folder is 0700)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    for root, folders, files in os.walk(folder):
        for name in folders:
            if not os.path.islink(os.path.join(root, name)):
                os.chmod(os.path.join(root, name), 0o700)
        for name in files:
            _make_file_private(Path(root, name))


def _make_file_private(path: Path) -> None:
    if path.exists() and not path.is_symlink():
        path.chmod(0o600)


def run_all(settings: Settings) -> None:
    """Embedded Redis (unless REDIS_URL), one worker process and the web server. SIGINT (Ctrl-C), SIGTERM and
    SIGHUP stop all three, also when they arrive during the start."""
    from werkzeug.serving import run_simple

    from app import create_app

    os.umask(0o077)  # what Redis, SQLite and the worker write from now on is the owner's alone
    make_private(INSTANCE_DIR)
    children = _Children(settings)
    for stop_signal in STOP_SIGNALS:
        if signal.getsignal(stop_signal) is not signal.SIG_IGN:  # `nohup`, a script's background job: keep ignoring
            signal.signal(stop_signal, _interrupt)
    try:
        children.start()
        app = create_app(settings)
        print(f"Vertrouwd: http://{settings.host}:{settings.port}  (Ctrl-C stops web, worker and Redis)", flush=True)
        run_simple(settings.host, settings.port, app, threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        for stop_signal in STOP_SIGNALS:  # a second signal must not cut the shutdown short
            signal.signal(stop_signal, signal.SIG_IGN)
        children.stop()


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


class _Children:
    """The embedded Redis and the worker process of `vertrouwd run`, stopped whatever happened."""

    def __init__(self, settings: Settings) -> None:
        self.settings, self.redis_pid, self.worker = settings, None, None

    def start(self) -> None:
        from workers import embedded

        if not self.settings.redis_url:
            self.redis_pid = embedded.start(self.settings.redis_socket)
        # Its own session: a Ctrl-C in the terminal reaches only this process, which stops the worker in order.
        self.worker = subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], start_new_session=True)

    def stop(self) -> None:
        from workers import embedded

        if self.worker is not None:
            _stop(self.worker)
        if not self.settings.redis_url:  # also a server whose start a signal interrupted before its pid was known
            embedded.stop(self.redis_pid or embedded.running_pid(self.settings.redis_socket))


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
