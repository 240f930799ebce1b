"""Browser tests: the real app on a live server, driven by headless Chromium (Debian's, through Playwright).

Without a Chromium binary these tests are skipped with a message, except in CI, where they fail.
Screenshots go to the folder in ``E2E_SCREENSHOTS`` (default: the test's tmp_path).
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from app.config import PROJECT_ROOT
from app.db import db
from app.demo import DEMO_PASSWORD
from tests.conftest import IN_CI, build_app

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]


def require(found: bool, missing: str) -> None:
    """Skip with the message outside CI; fail in CI, which must run every browser test.
    (tests.conftest.require_service words it for a server; these are programs and files.)"""
    if found:
        return
    if IN_CI:
        pytest.fail(f"{missing} (CI must run the browser tests)")
    pytest.skip(missing)


def chromium_path() -> str | None:
    return shutil.which("chromium") or os.environ.get("CHROMIUM_PATH")


@pytest.fixture
def live_server(database_url, redis_url, tmp_path):
    """The app, served over HTTP on a free port of 127.0.0.1; yields the base URL."""
    with serve(build_app(database_url, redis_url, tmp_path)) as base_url:
        yield base_url


def _whole_bodies(app):
    """``app`` answering each body whole, its iterable closed at once. Werkzeug's development server does not close a
    response (a static file's handle) when the browser drops the connection mid-way, as a page that navigates on
    does with its favicon; the handle then surfaces later, in whatever test runs, as an unclosed-file warning."""
    def application(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return application


@contextmanager
def serve(app):
    """Serve ``app`` over HTTP on a free port of 127.0.0.1 while the block runs; gives the base URL."""
    server = make_server("127.0.0.1", 0, _whole_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        db.session.remove()


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    require(executable is not None, "Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)")
    expect.set_options(timeout=10_000)  # a busy CI machine is slower than Playwright's default of 5 s
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context_options() -> dict:
    """Options of the per-test browser context; a test module may override this fixture."""
    return {"locale": "nl-BE"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep the outcome of the test's call on the item, for the failure screenshot of ``page``."""
    report = yield
    if report.when == "call":
        item.e2e_call_failed = report.failed
    return report


@pytest.fixture
def page(browser, context_options, screenshot_dir, request):
    """A fresh browser context per test; when the test fails, a screenshot of where it stopped."""
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        yield tab
        if getattr(request.node, "e2e_call_failed", False) and not tab.is_closed():
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            tab.screenshot(path=screenshot_dir / f"{name}-FAILED.png", full_page=True)
    finally:
        context.close()


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    folder = Path(os.environ["E2E_SCREENSHOTS"]) if os.environ.get("E2E_SCREENSHOTS") else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(page, screenshot_dir, request):
    """``screenshot("inbox")`` saves the whole page as <test name>-<nn>-inbox.png; returns the path."""
    test = re.sub(r"[^\w.-]+", "_", request.node.name)
    taken = []

    def take(name: str) -> Path:
        taken.append(name)
        path = screenshot_dir / f"{test}-{len(taken):02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture
def log_in(page, live_server):
    """Log in through the login form, as a person does; returns on the inbox."""
    secrets: dict[str, str] = {}  # email -> TOTP secret, as the person's phone would keep it
    last_step: dict[str, int] = {}  # a code works once: a second login in the same 30 s takes the next one

    def code_for(email: str) -> str:
        totp = pyotp.TOTP(secrets[email])
        step = max(totp.timecode(datetime.now(timezone.utc)), last_step.get(email, -1) + 1)
        last_step[email] = step
        return totp.generate_otp(step)

    def do(email: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(f"{live_server}/login")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Aanmelden").click()
        heading = page.get_by_role("heading", level=1)
        expect(heading).not_to_have_text("Aanmelden")
        if heading.inner_text() == "Tweede stap instellen":
            secrets[email] = page.locator("#totp-secret").inner_text()
            page.get_by_label("Code").fill(code_for(email))
            page.get_by_role("button", name="Bevestigen").click()
            expect(page.get_by_role("heading", level=1, name="Uw herstelcodes")).to_be_visible()
            page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
        elif heading.inner_text() == "Code uit uw app":
            page.get_by_label("Code").fill(code_for(email))
            page.get_by_role("button", name="Verder").click()
        expect(page.get_by_role("heading", level=1, name="Mijn taken")).to_be_visible()

    return do


@pytest.fixture
def log_out(page):
    def do() -> None:
        page.get_by_role("button", name="Afmelden").click()
        expect(page.get_by_role("heading", level=1, name="Aanmelden")).to_be_visible()

    return do


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core from npm (package.json at the repo root)."""
    require(AXE.is_file(), f"axe-core not found at {AXE}: run `npm install` in {PROJECT_ROOT}")
    return AXE
