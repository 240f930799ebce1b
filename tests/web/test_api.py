"""The JSON API: bearer tokens, starting, tasks, completing, the roster, the OpenAPI document."""
from __future__ import annotations

import pytest

from app.auth.accounts import create_api_token
from tests.helpers import ADMIN, AWV_SECRETARY, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, appointment_data, user


@pytest.fixture
def token_for(app, store):
    def make(email: str) -> dict:
        token = create_api_token(store, user(store, email))
        store.commit()
        return {"Authorization": f"Bearer {token}"}
    return make


def start(client, headers, **overrides):
    body = {"model": "appointment", "entity": "OMG", "data": appointment_data(**overrides)}
    return client.post("/api/v1/process-instances", json=body, headers=headers)


def test_api_needs_a_valid_bearer_token(client):
    assert client.get("/api/v1/tasks").status_code == 401
    assert client.get("/api/v1/tasks", headers={"Authorization": "Bearer vt_invalid"}).status_code == 401


def test_openapi_document_lists_every_route(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert {"/process-models", "/process-instances", "/process-instances/{id}", "/tasks", "/tasks/{id}",
            "/tasks/{id}/complete", "/confidants"} <= set(doc["paths"])


def test_process_models_show_the_start_form_and_roles(client, token_for):
    models = client.get("/api/v1/process-models", headers=token_for(OMG_SECRETARY)).get_json()["process_models"]
    appointment = next(m for m in models if m["key"] == "appointment")
    assert appointment["version"] == 1 and appointment["start_roles"] == ["eoc_secretary"]
    assert "not_union_delegate" in appointment["start_form"]["properties"]


def test_r10_start_complete_and_roster_through_the_api(client, token_for):
    response = start(client, token_for(OMG_SECRETARY))
    assert response.status_code == 201
    instance = response.get_json()
    assert instance["status"] == "running" and instance["open_tasks"][0]["step"] == "Aanstelling nakijken"

    papsy = token_for(OMG_PAPSY)
    tasks = client.get("/api/v1/tasks", headers=papsy).get_json()["items"]
    assert [t["instance_id"] for t in tasks] == [instance["id"]]
    task = client.get(f"/api/v1/tasks/{tasks[0]['id']}", headers=papsy).get_json()
    assert task["form"]["required"] == ["decision"]
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}}, headers=papsy)
    assert done.status_code == 200 and done.get_json()["status"] == "completed"
    again = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}}, headers=papsy)
    assert again.status_code == 409

    roster = client.get("/api/v1/confidants?status=active", headers=papsy).get_json()["confidants"]
    assert {"name": "Jana Vermeulen", "email": "jana.vermeulen@omgeving.vlaanderen.example", "entity": "OMG",
            "entity_name": "Departement Omgeving", "status": "active", "appointed_on": "2026-10-15", "phone": None,
            "work_location": None, "inactive_from": None, "inactive_until": None, "ended_on": None,
            "training_status": "due", "training_date": "2028-10-15"} in roster
    detail = client.get(f"/api/v1/process-instances/{instance['id']}", headers=papsy).get_json()
    assert [h["kind"] for h in detail["history"]][-1] == "completed" and detail["pending_timers"] == []


def test_start_with_invalid_data_gives_422_with_field_errors(client, token_for):
    response = start(client, token_for(OMG_SECRETARY), not_managerial_staff=False, candidate_email="geen-adres")
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"not_managerial_staff", "candidate_email"}


@pytest.mark.parametrize("body", [None, [], {"model": "appointment"}, {"model": "nope", "entity": "OMG", "data": {}},
                                  {"model": "appointment", "entity": "NOPE", "data": {}},
                                  {"model": "appointment", "entity": "OMG", "data": "x"}])
def test_start_with_a_malformed_body_gives_422(client, token_for, body):
    response = client.post("/api/v1/process-instances", json=body, headers=token_for(OMG_SECRETARY))
    assert response.status_code == 422 and response.get_json()["errors"]


def test_start_for_another_entity_or_role_gives_403(client, token_for):
    assert start(client, token_for(AWV_SECRETARY)).status_code == 403
    assert start(client, token_for(OMG_CONFIDANT)).status_code == 403
    assert start(client, token_for(ADMIN)).status_code == 403


def test_complete_with_invalid_data_gives_422_and_changes_nothing(client, token_for):
    instance = start(client, token_for(OMG_SECRETARY)).get_json()
    papsy = token_for(OMG_PAPSY)
    task_id = instance["open_tasks"][0]["id"]
    response = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"decision": "maybe"}}, headers=papsy)
    assert response.status_code == 422 and "decision" in response.get_json()["errors"]
    assert client.get(f"/api/v1/tasks/{task_id}", headers=papsy).get_json()["state"] == "ready"


def test_unknown_task_is_404_and_foreign_task_is_403(client, token_for):
    instance = start(client, token_for(OMG_SECRETARY)).get_json()
    task_id = instance["open_tasks"][0]["id"]
    assert client.get("/api/v1/tasks/999999", headers=token_for(OMG_PAPSY)).status_code == 404
    assert client.get(f"/api/v1/tasks/{task_id}", headers=token_for(OMG_CONFIDANT)).status_code == 403
    assert client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"decision": "approve"}},
                       headers=token_for(ADMIN)).status_code == 403


def test_roster_filter_is_validated(client, token_for):
    assert client.get("/api/v1/confidants?status=sleeping", headers=token_for(OMG_PAPSY)).status_code == 422
