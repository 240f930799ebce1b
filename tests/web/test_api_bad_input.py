"""Bad input through the JSON API: a 4xx with a message and nothing changed, never a 500 (also on PostgreSQL,
which refuses NUL in text, and with text that UTF-8 cannot encode).

A bug found in this area (by the fuzz tests in tests/fuzz or by hand) gets its regression test here, as a strict
xfail (``pytest.mark.xfail(strict=True, reason="BUG: ...")``) while it is open.
"""
from __future__ import annotations

import pytest

from tests.api_client import Api, bearer
from tests.fuzz.support import fingerprint
from tests.helpers import OMG_PAPSY, OMG_SECRETARY, appointment_data

SURROGATE = "\udc80"  # a lone surrogate: JSON can carry it as the escape \udc80, UTF-8 cannot
HUGE = 2**64  # beyond SQLite's 64-bit and PostgreSQL's 32-bit integer columns


@pytest.mark.parametrize("body", [{"model": f"appointment{SURROGATE}", "entity": "OMG", "data": {}},
                                  {"model": "appointment", "entity": f"OMG{SURROGATE}", "data": {}}],
                         ids=["model", "entity"])
def test_lone_surrogate_in_model_or_entity_is_422(app, body):
    """A model or entity that the database driver cannot encode is refused with 422 before it is looked up."""
    api = Api(app)
    assert api.post("/api/v1/process-instances", body, api.secretary).status_code == 422


def test_lone_surrogate_in_the_subject_field_is_422(app):
    """A candidate name that cannot be stored as the instance's subject is refused with 422 at the start."""
    assert Api(app).start(candidate_name=f"Jana{SURROGATE}").status_code == 422


@pytest.mark.parametrize("step, field", [("start", "function"), ("start", "eoc_reference"),
                                         ("review", "send_back_reason")])
def test_lone_surrogate_in_accepted_text_does_not_break_the_instance(app, step, field):
    """A lone surrogate in a text field that is kept only in the workflow data is refused up front or carried
    through: every later step of the instance still works (the saved state can be read back)."""
    api, text = Api(app), f"Referentie{SURROGATE}ontbreekt"
    started = api.start(**({field: text} if step == "start" else {}))
    if started.status_code == 422:
        return  # refused up front: fine
    task_id = started.get_json()["open_tasks"][0]["id"]
    if step == "start":
        assert api.complete(task_id, {"decision": "approve"}, api.papsy).status_code == 200
        return
    sent_back = api.complete(task_id, {"decision": "send_back", field: text}, api.papsy)
    if sent_back.status_code == 422:
        return
    correction = sent_back.get_json()["open_tasks"][0]["id"]
    assert api.complete(correction, appointment_data(), api.secretary).status_code == 200


@pytest.mark.postgres
@pytest.mark.parametrize("method, url, body", [
    ("POST", "/api/v1/process-instances", {"model": "appoint\x00ment", "entity": "OMG", "data": {}}),
    ("POST", "/api/v1/process-instances", {"model": "appointment", "entity": "O\x00MG", "data": {}}),
    ("GET", "/api/v1/confidants?entity=O%00MG", None),
], ids=["model", "entity", "confidants-entity"])
def test_pg_nul_in_api_lookups_is_422(pg_app, method, url, body):
    """A NUL in a value the API looks up (model, entity) is a 422 on PostgreSQL, which refuses NUL in text."""
    response = pg_app.test_client().open(url, method=method, headers=bearer(pg_app, OMG_SECRETARY), json=body)
    assert response.status_code == 422


@pytest.mark.postgres
def test_pg_nul_in_api_start_data_is_422(pg_app):
    """A NUL in a text field of the start data is a field error (422) on PostgreSQL, not a failed insert."""
    response = pg_app.test_client().post(
        "/api/v1/process-instances", headers=bearer(pg_app, OMG_SECRETARY),
        json={"model": "appointment", "entity": "OMG", "data": appointment_data(candidate_name="Jana\x00V")})
    assert response.status_code == 422


@pytest.mark.parametrize("method, url", [
    ("GET", f"/api/v1/tasks/{HUGE}"), ("GET", f"/api/v1/process-instances/{HUGE}"),
    ("POST", f"/api/v1/tasks/{HUGE}/complete"), ("GET", f"/api/v1/tasks/{2**31}"), ("GET", "/api/v1/tasks/-1"),
    ("GET", "/api/v1/tasks/99999999999999999999"), ("GET", "/api/v1/process-instances/99999999999999999999")])
def test_api_id_beyond_the_integer_column_is_404(app, method, url):
    """An id no integer column can hold is a 404 (the id converter bounds it), not a driver overflow."""
    response = app.test_client().open(url, method=method, headers=bearer(app, OMG_PAPSY), json={"data": {}})
    assert response.status_code == 404


@pytest.mark.parametrize("depth", [50_000, 100_000])
def test_deeply_nested_json_body_is_422_and_changes_nothing(app, depth):
    """A body nested deeper than the JSON parser goes is a 422 and leaves the database as it was."""
    api = Api(app)
    before = fingerprint()
    body = '{"model": "appointment", "entity": "OMG", "data": ' + "[" * depth + "]" * depth + "}"
    response = api.client.post("/api/v1/process-instances", data=body, content_type="application/json",
                               headers=api.secretary)
    assert response.status_code == 422 and fingerprint() == before
