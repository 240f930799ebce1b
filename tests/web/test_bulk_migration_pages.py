"""The admin's bulk migration pages (issue 10): choose the source and target version and the instance list's filters
(/admin/models/<key>/migrations/new), see the dry run's report (how many can move, the others by reason) on the run's
page (/admin/migrations/<id>, its numbers at .../progress for the page's poll), then move them for real: only the
instances the filters chose, each once. The jobs run in this process (tests/integration/test_bulk_migration_kill.py
runs them in a real worker that is killed)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import MigrationRun, ProcessInstance
from tests.helpers import (ADMIN, AWV_SECRETARY, OMG_PAPSY, OMG_SECRETARY, appointments_before_a_renamed_review,
                           csrf_token, login)
from workers.migration_jobs import run_migration

NEW = "/admin/models/appointment/migrations/new"
REFUSED = "de afgewerkte stap 'Aanstelling nakijken' werd gewijzigd of verwijderd"


@pytest.fixture
def instances(store, redis_client) -> dict[str, int]:
    """OMG: two appointments at their review ("a", "b": they can move) and one sent back ("sent_back": its completed
    review was renamed in version 2); AWV: one at its review ("awv")."""
    return appointments_before_a_renamed_review(store, {
        "a": (OMG_SECRETARY, "OMG"), "b": (OMG_SECRETARY, "OMG"), "sent_back": (OMG_SECRETARY, "OMG"),
        "awv": (AWV_SECRETARY, "AWV")})


@pytest.fixture
def admin(client):
    login(client, ADMIN)
    return client


def versions(store, ids: dict[str, int]) -> dict[str, int]:
    store.expire_all()
    return {name: store.get(ProcessInstance, i).model_version.version for name, i in ids.items()}


def test_the_dry_run_of_the_chosen_instances_reports_who_can_move_then_the_real_run_moves_only_those(
        app, admin, store, instances):
    form = admin.get(f"{NEW}?from_version=1&entity=OMG").get_data(as_text=True)
    assert '<option value="OMG" selected>' in form and '<option value="1" selected>' in form
    started = admin.post(NEW, data={"from_version": "1", "to_version": "2", "entity": "OMG", "status": "",
                                    "csrf_token": csrf_token(form)})
    assert started.status_code == 302
    dry_id = int(re.fullmatch(r"/admin/migrations/(\d+)", started.location)[1])
    dry = store.get(MigrationRun, dry_id)
    assert (dry.dry_run, dry.total, dry.filters) == (True, 3, {"entity": "OMG", "zone": "Europe/Brussels"})
    assert admin.get(f"/admin/migrations/{dry_id}/progress").get_json() == {
        "moved": 0, "possible": 0, "refused": 0, "failed": 0, "total": 3, "done": 0, "to_go": 3, "finished": False}
    waiting = admin.get(started.location).get_data(as_text=True)
    assert "Nu echt verhuizen" not in waiting and 'data-running="true"' in waiting and "Vernieuwen" in waiting

    assert run_migration(dry_id) == "finished"
    assert admin.get(f"/admin/migrations/{dry_id}/progress").get_json() == {
        "moved": 0, "possible": 2, "refused": 1, "failed": 0, "total": 3, "done": 3, "to_go": 0, "finished": True}
    report = admin.get(started.location).get_data(as_text=True)
    assert f"1 proces: {REFUSED}" in report.replace("&#39;", "'")
    assert "2 processen kunnen naar versie 2." in report and "Nu echt verhuizen" in report
    assert {f"#{i}" for i in (instances["a"], instances["b"], instances["sent_back"])} == \
        set(re.findall(r">(#\d+)</a>", report))
    assert versions(store, instances) == {"a": 1, "b": 1, "sent_back": 1, "awv": 1}, "a dry run moves nothing"

    real = admin.post(f"/admin/migrations/{dry_id}/run", data={"csrf_token": csrf_token(report)})
    real_id = int(re.fullmatch(r"/admin/migrations/(\d+)", real.location)[1])
    assert real_id != dry_id and store.get(MigrationRun, real_id).filters == dry.filters
    assert run_migration(real_id) == "finished"
    assert admin.get(f"/admin/migrations/{real_id}/progress").get_json()["moved"] == 2
    assert versions(store, instances) == {"a": 2, "b": 2, "sent_back": 1, "awv": 1}, "AWV was not chosen"


def test_a_real_run_needs_a_finished_dry_run_first(app, admin, store, instances):
    form = admin.get(NEW).get_data(as_text=True)
    started = admin.post(NEW, data={"from_version": "1", "to_version": "2", "csrf_token": csrf_token(form)})
    dry_id = int(started.location.rsplit("/", 1)[1])
    early = admin.post(f"/admin/migrations/{dry_id}/run", data={"csrf_token": csrf_token(form)})
    assert early.location.endswith(f"/admin/migrations/{dry_id}")
    assert "Eerst moet de proefmigratie klaar zijn" in admin.get(early.location).get_data(as_text=True)
    assert store.scalar(select(MigrationRun.id).where(MigrationRun.dry_run.is_(False))) is None
    assert versions(store, instances) == dict.fromkeys(instances, 1)


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"from_version": "1", "to_version": "1"}, "to_version", "Kies een andere versie"),
    ({"from_version": "1", "to_version": "2", "status": "completed"}, "status", "Alleen een lopend"),
    ({"from_version": "1", "to_version": "2", "started_from": "2026-02-30"}, "started_from", "geldige datum"),
    ({"from_version": "1", "to_version": "2", "entity": "NOPE"}, "entity", "Onbekende entiteit"),
    ({"from_version": "x", "to_version": "2"}, "from_version", "nummer van een versie"),
])
def test_a_wrong_choice_is_named_next_to_its_field_and_starts_nothing(app, admin, store, instances, fields, field,
                                                                     message):
    form = admin.get(NEW).get_data(as_text=True)
    response = admin.post(NEW, data={**fields, "csrf_token": csrf_token(form)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f'href="#field-{field}"' in page and message in page
    assert store.scalar(select(MigrationRun.id)) is None


def test_the_model_page_links_to_moving_its_instances_and_only_admins_reach_these_pages(app, admin, client, store,
                                                                                       instances):
    assert f'href="{NEW}"' in admin.get("/admin/models/appointment").get_data(as_text=True)
    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    assert papsy.get(NEW).status_code == 403
    assert admin.get("/admin/models/no_such_model/migrations/new").status_code == 404
    assert admin.get("/admin/migrations/999999").status_code == 404
    assert admin.get("/admin/migrations/999999/progress").status_code == 404
