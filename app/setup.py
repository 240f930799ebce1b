"""Bringing a database up to date (Alembic) and running everything on one machine."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

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
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), "head")


def run_all(settings: Settings) -> None:
    """Embedded Redis (unless REDIS_URL), one worker process and the web server; Ctrl-C stops all."""
    from werkzeug.serving import run_simple

    from app import create_app
    from workers import embedded

    redis_pid = None if settings.redis_url else embedded.start(settings.redis_socket)
    worker = subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], start_new_session=True)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        app = create_app(settings)
        print(f"Vertrouwd: http://{settings.host}:{settings.port}  (Ctrl-C stops web, worker and Redis)", flush=True)
        run_simple(settings.host, settings.port, app, threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(worker)
        if redis_pid is not None:
            embedded.stop(redis_pid)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
