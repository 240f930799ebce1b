"""The fault 'PostgreSQL restarted while timers fire' (issue 10), for bench/timers.py; never run by the tests.

The whole server restarts (every database on it loses its connections for a few seconds), so the bench does it
once per scenario and says when. While it restarts, a logged-in browser (Flask's test client, errors handled as in
production) asks the inbox again and again: each answer must be the 503 "try again" page, never a 500 or a trace,
and the pages must work again by themselves once the server is back.
"""
from __future__ import annotations

import subprocess
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from app.db import db
from app.db_outage import database_unreachable
from tests.helpers import OMG_SECRETARY, login

PAGE = "/inbox"
RECOVERY_CAP = 60.0  # seconds after the restart to wait at most for the page to work again


def restart_command() -> list[str]:
    """pg_ctlcluster's restart of the local cluster (Debian), bypassing systemd, which this machine does not run."""
    version = sorted(path.name for path in Path("/etc/postgresql").iterdir())[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]


def logged_in_browser(app):
    """A browser logged in before the fault; the app handles errors as in production (no propagation to the test
    client), so what a user would see is what is counted."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    browser = app.test_client()
    login(browser, OMG_SECRETARY)
    return browser


def restart_while_browsing(browser) -> str:
    """Restart PostgreSQL, asking the page meanwhile; what happened, in one line for the report."""
    answers: Counter[str] = Counter()
    started_at = datetime.now(UTC)
    started = time.monotonic()
    restart = subprocess.Popen(restart_command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    while restart.poll() is None:
        answers[_answer(browser)] += 1
        time.sleep(0.05)
    restarted = time.monotonic() - started
    output = restart.stdout.read().decode(errors="replace").strip()
    back = None
    while time.monotonic() - started < restarted + RECOVERY_CAP:
        answer = _answer(browser)
        answers[answer] += 1
        if answer == "200":
            back = time.monotonic() - started
            break
        time.sleep(0.1)
    said = ", ".join(f"{count} x {answer}" for answer, count in sorted(answers.items()))
    return (f"PostgreSQL restarted at {started_at:%H:%M:%S} UTC (exit {restart.returncode}, {restarted:.1f} s"
            f"{'; ' + output if output else ''}); the inbox meanwhile: {said}; "
            + (f"working again {back:.1f} s after the restart began" if back is not None else "NOT working again"))


def _answer(browser) -> str:
    """'200', '503 try again' (with Retry-After), or what else came (a status, or an exception's type)."""
    try:
        response = browser.get(PAGE)
    except Exception as exc:  # noqa: BLE001 - counted: a user would have seen an error page
        return f"exception {type(exc).__name__}"
    finally:
        db.session.remove()
    page = response.get_data(as_text=True)
    if response.status_code == 503:
        good = response.headers.get("Retry-After") and "Even niet bereikbaar" in page and "Traceback" not in page
        return "503 try again" if good else "503 without its page"
    return str(response.status_code)


def reachable_counts(count):
    """``count()``, or None while the database is out of reach (the bench's own polling rides out the restart)."""
    try:
        return count()
    except DBAPIError as exc:
        if not database_unreachable(exc):
            raise
        db.session.remove()
        return None
