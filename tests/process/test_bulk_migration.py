"""Bulk migration (issue 10): POST /api/v1/process-models/<key>/migrations answers a run whose progress is at
GET /api/v1/migrations/<id>; a dry run says per instance whether it can move; the real run moves each in its own
transaction, and a run left halfway (a killed worker) continues with the instances that have no result yet."""
from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from app.api.openapi import OPENAPI
from app.modeling import migrations
from app.models import ProcessInstance
from tests.api_client import bearer
from tests.helpers import ADMIN, OMG_PAPSY, OMG_SECRETARY, appointments_before_a_renamed_review
from workers.migration_jobs import run_migration

URL = "/api/v1/process-models/appointment/migrations"


@pytest.fixture
def instances(store) -> dict[str, int]:
    """Two appointments at their review (they can move), one sent back (its review, completed, was renamed)."""
    return appointments_before_a_renamed_review(store, dict.fromkeys(("a", "b", "sent_back"), (OMG_SECRETARY, "OMG")))


def outcomes(body: dict, ids: dict) -> dict[str, str]:
    names = {instance_id: name for name, instance_id in ids.items()}
    return {names[row["instance"]]: row["outcome"] for row in body["results"]}


@pytest.fixture
def dispatch_factory(recorder):
    return recorder.connect


def test_a_dry_run_says_which_instances_can_move_and_why_not(app, client, store, instances, recorder):
    admin = bearer(app, ADMIN)
    started = client.post(URL, json={"from_version": 1, "to_version": 2}, headers=admin)
    assert started.status_code == 202, started.get_json()
    body = started.get_json()
    assert (body["total"], body["done"], body["finished"], body["dry_run"]) == (3, 0, False, True)
    assert recorder.migrations == [body["id"]], "the run is handed to the workers once the request committed"
    assert run_migration(body["id"]) == "finished"
    body = client.get(f"/api/v1/migrations/{body['id']}", headers=admin).get_json()
    documented = OPENAPI["paths"]["/migrations/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    Draft202012Validator(documented["schema"]).validate(body)
    assert body["finished"] and (body["possible"], body["refused"], body["moved"]) == (2, 1, 0)
    assert outcomes(body, instances) == {"a": "possible", "b": "possible", "sent_back": "refused"}
    refused = next(row for row in body["results"] if row["outcome"] == "refused")
    assert refused["reasons"] == ["de afgewerkte stap 'Aanstelling nakijken' werd gewijzigd of verwijderd"]
    # The worker keeps why, not its words: who reads English reads it in English.
    english = client.get(f"/api/v1/migrations/{body['id']}?lang=en", headers=admin).get_json()
    assert next(row["reasons"] for row in english["results"] if row["outcome"] == "refused") == \
        ["the completed step 'Aanstelling nakijken' was changed or removed"]
    store.expire_all()
    assert {store.get(ProcessInstance, i).model_version.version for i in instances.values()} == {1}


def test_a_run_left_halfway_continues_and_moves_each_instance_once(app, client, store, instances, recorder):
    admin = bearer(app, ADMIN)
    run_id = client.post(URL, json={"from_version": 1, "to_version": 2, "dry_run": False}, headers=admin) \
        .get_json()["id"]
    assert migrations.run_batch(store, run_id, limit=1) is False  # then the worker is killed
    halfway = client.get(f"/api/v1/migrations/{run_id}", headers=admin).get_json()
    assert (halfway["done"], halfway["moved"], halfway["finished"]) == (1, 1, False)
    again = client.post(URL, json={"from_version": 1, "to_version": 2, "dry_run": False}, headers=admin)
    assert again.get_json()["id"] == run_id, "the same request continues the unfinished run"
    assert recorder.migrations == [run_id, run_id], "and hands it to the workers again"
    assert run_migration(run_id) == "finished"
    body = client.get(f"/api/v1/migrations/{run_id}", headers=admin).get_json()
    assert (body["total"], body["done"], body["moved"], body["refused"]) == (3, 3, 2, 1)
    assert outcomes(body, instances) == {"a": "moved", "b": "moved", "sent_back": "refused"}
    store.expire_all()
    assert {name: store.get(ProcessInstance, i).model_version.version for name, i in instances.items()} == \
        {"a": 2, "b": 2, "sent_back": 1}


@pytest.mark.parametrize(("body", "field"), [({}, "from_version"), ({"from_version": 1, "to_version": 1}, "to_version"),
                                             ({"from_version": 1, "to_version": 7}, "to_version"),
                                             ({"from_version": 1, "to_version": 2, "dry_run": 0}, "dry_run")])
def test_a_bad_migration_request_is_422_naming_the_field(app, client, instances, body, field):
    response = client.post(URL, json=body, headers=bearer(app, ADMIN))
    assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()


def test_only_an_admin_starts_or_follows_a_migration(app, client, instances):
    run_id = client.post(URL, json={"from_version": 1, "to_version": 2}, headers=bearer(app, ADMIN)).get_json()["id"]
    papsy = bearer(app, OMG_PAPSY)
    assert client.post(URL, json={"from_version": 1, "to_version": 2}, headers=papsy).status_code == 403
    assert client.get(f"/api/v1/migrations/{run_id}", headers=papsy).status_code == 403
    assert client.get("/api/v1/migrations/999999", headers=bearer(app, ADMIN)).status_code == 404
