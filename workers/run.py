"""`vertrouwd run`: everything on one machine, the embedded Redis (unless REDIS_URL), one worker process and the
web server."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from werkzeug.serving import run_simple

from app import create_app
from app.config import INSTANCE_DIR, Settings
from app.setup import make_private
from workers import embedded, rq_dispatch


def run_all(settings: Settings) -> None:
    """Embedded Redis (unless REDIS_URL), one worker process and the web server. SIGINT (Ctrl-C), SIGTERM and
    SIGHUP stop all three, also when they arrive during the start."""
    os.umask(0o077)  # what Redis, SQLite and the worker write from now on is the owner's alone
    make_private(INSTANCE_DIR)
    children = _Children(settings)
    for stop_signal in STOP_SIGNALS:
        if signal.getsignal(stop_signal) is not signal.SIG_IGN:  # `nohup`, a script's background job: keep ignoring
            signal.signal(stop_signal, _interrupt)
    try:
        children.start()
        app = create_app(settings, dispatch_factory=rq_dispatch.connect)
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
        if not self.settings.redis_url:
            self.redis_pid = embedded.start(self.settings.redis_socket)
        # Its own session: a Ctrl-C in the terminal reaches only this process, which stops the worker in order.
        self.worker = subprocess.Popen([sys.executable, "-m", "workers.cli", "worker"], start_new_session=True)

    def stop(self) -> None:
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
