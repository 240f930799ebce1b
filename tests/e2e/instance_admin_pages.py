"""The instance administration pages as an admin reaches them (issue 10), for the axe-core audit and its screenshots
(tests/e2e/test_accessibility.py): an instance page with its diagram drawn, the dry run of moving it, the bulk
migration's choice with errors, and a finished dry run's report."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.db import db
from app.models import MigrationRun
from tests.helpers import ADMIN, OMG_SECRETARY, appointments_before_a_renamed_review
from workers.migration_jobs import run_migration


def arrange_two_versions() -> int:
    """Two OMG appointments on version 1: one at its review, one sent back (its completed review is renamed in
    version 2, so it cannot move); returns the first one's id."""
    session = db.session()
    try:
        return appointments_before_a_renamed_review(session, {"first": (OMG_SECRETARY, "OMG"),
                                                              "sent_back": (OMG_SECRETARY, "OMG")})["first"]
    finally:
        db.session.remove()


def admin_instance_diagram(page: Page, base: str, log_in) -> None:
    """The admin on a running appointment: its diagram drawn and marked, its steps, data names and actions."""
    instance_id = arrange_two_versions()
    log_in(ADMIN)
    page.goto(f"{base}/instances/{instance_id}")
    expect(page.locator("figure.diagram[data-drawn]")).to_be_visible()
    expect(page.locator(".djs-element.step-active")).to_have_count(1)
    expect(page.get_by_role("heading", name="Gegevens van het proces")).to_be_visible()


def admin_instance_migrate(page: Page, base: str, log_in) -> None:
    """What moving the appointment to version 2 would change, before the admin moves it."""
    instance_id = arrange_two_versions()
    log_in(ADMIN)
    page.goto(f"{base}/instances/{instance_id}")
    page.get_by_role("button", name="Bekijken wat er verandert").click()
    expect(page.get_by_role("button", name="Naar versie 2 verhuizen")).to_be_visible()


def admin_migration_new_errors(page: Page, base: str, log_in) -> None:
    """The bulk migration's choice, from the model page, refused: version 2 to itself."""
    arrange_two_versions()
    log_in(ADMIN)
    page.goto(f"{base}/admin/models/appointment")
    page.get_by_role("link", name="Processen naar een andere versie verplaatsen").click()
    page.get_by_label("Van versie").select_option("2")
    page.get_by_role("button", name="Proefmigratie starten").click()
    expect(page.get_by_role("alert")).to_contain_text("Kies een andere versie")


def admin_migration_report(page: Page, base: str, log_in) -> None:
    """A finished dry run: one instance can move, one cannot (and why), each with its result."""
    arrange_two_versions()
    log_in(ADMIN)
    page.goto(f"{base}/admin/models/appointment/migrations/new")
    page.get_by_role("button", name="Proefmigratie starten").click()
    expect(page.get_by_role("heading", level=2, name="Voortgang")).to_be_visible()
    run_id = int(re.search(r"/admin/migrations/(\d+)", page.url)[1])
    assert run_migration(run_id) == "finished"  # the job a worker would run; the page's poll then shows the report
    expect(page.get_by_role("button", name="Nu echt verhuizen")).to_be_visible()
    assert db.session().get(MigrationRun, run_id).dry_run
    db.session.remove()
