"""Bugs found by fuzzing the API (schemathesis, hypothesis) and the web forms (hypothesis), one regression test
each.

All of them are fixed; each test stays as a regression test. A newly found bug gets a strict xfail here
(``pytest.mark.xfail(strict=True, reason="BUG: ...")``) until it is fixed. Some overlap with
tests/review/test_review_bad_input.py (the same root causes, other inputs).
"""
from __future__ import annotations

import json

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select

from app.api.openapi import OPENAPI
from app.auth.accounts import create_api_token
from app.db import db
from app.engine import registry
from app.engine import services as engine_services
from app.engine.serialization import dump_state, load_state, version_spec
from app.models import Task, TaskState
from tests.fuzz.support import changed_tables, fingerprint
from tests.helpers import (
    OMG_CONFIDANT,
    OMG_PAPSY,
    OMG_SECRETARY,
    appointment_data,
    appointment_form,
    csrf_token,
    login,
    user,
)

SURROGATE = "\udc80"  # a lone surrogate: JSON can carry it as the escape \udc80, UTF-8 cannot


def bearer(app, email: str) -> dict:
    with app.app_context():
        session = db.session()
        token = create_api_token(session, user(session, email))
        session.commit()
    db.session.remove()
    return {"Authorization": f"Bearer {token}"}


class Api:
    def __init__(self, app):
        self.client = app.test_client()
        self.secretary, self.papsy = bearer(app, OMG_SECRETARY), bearer(app, OMG_PAPSY)

    def post(self, url: str, body, headers: dict):
        """``body`` as JSON text (ensure_ascii: a lone surrogate travels as its escape)."""
        return self.client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)

    def start(self, **overrides):
        return self.post("/api/v1/process-instances",
                         {"model": "appointment", "entity": "OMG", "data": appointment_data(**overrides)},
                         self.secretary)

    def complete(self, task_id: int, data: dict, headers: dict):
        return self.post(f"/api/v1/tasks/{task_id}/complete", {"data": data}, headers)


def ready_task_id(app) -> int:
    with app.app_context():
        task_id = db.session().scalar(select(Task.id).where(Task.state == TaskState.READY))
    db.session.remove()
    return task_id


# == found by fuzzing, on every database ================================================================================

@pytest.mark.parametrize("body", [{"model": f"appointment{SURROGATE}", "entity": "OMG", "data": {}},
                                  {"model": "appointment", "entity": f"OMG{SURROGATE}", "data": {}}],
                         ids=["model", "entity"])
def test_lone_surrogate_in_model_or_entity_is_422(app, body):
    """POST /api/v1/process-instances with '\\udc80' in model or entity: the value goes to the database as a
    parameter (registry.current_version, services.find_entity) and the driver cannot encode it: UnicodeEncodeError
    ('surrogates not allowed'), 500."""
    api = Api(app)
    assert api.post("/api/v1/process-instances", body, api.secretary).status_code == 422


def test_lone_surrogate_in_the_subject_field_is_422(app):
    """candidate_name 'Jana\\udc80' passes the JSON Schema and the form checks and becomes the instance's subject:
    UnicodeEncodeError when runner.start flushes the new process_instance row, 500."""
    assert Api(app).start(candidate_name=f"Jana{SURROGATE}").status_code == 422


@pytest.mark.parametrize("step, field", [("start", "function"), ("start", "eoc_reference"),
                                         ("review", "send_back_reason")])
def test_lone_surrogate_in_accepted_text_does_not_break_the_instance(app, step, field):
    """A lone surrogate in a text field that is not a column (function, eoc_reference at the start; the PAPSY's
    send_back_reason) is accepted (201, 200). serialization.dump_state: orjson refuses it, the json.dumps fallback
    writes it as the escape \\udc80; serialization.load_state reads with orjson.loads, which refuses that escape
    (JSONDecodeError 'invalid high surrogate'). Every later step of the instance (task page, completion) is a 500,
    for ever: the appointment can neither be approved nor corrected."""
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


def test_every_answer_of_get_confidants_is_in_the_openapi_document(app):
    """Someone outside the GDPB asking status=inactive (or former) gets 403 'Alleen de GDPB ziet de volledige
    lijst' from app/api/routes.py confidants, but app/api/openapi.py documents only 200, 401 and 422 for it:
    clients generated from the document do not expect it (schemathesis: undocumented status code)."""
    response = app.test_client().get("/api/v1/confidants?status=inactive", headers=bearer(app, OMG_CONFIDANT))
    assert response.status_code < 500
    assert str(response.status_code) in OPENAPI["paths"]["/confidants"]["get"]["responses"]


def test_method_not_allowed_says_which_methods_are(app):
    """A 405 must name the allowed methods (RFC 9110 15.5.6); app/web.py _http_error builds a new response and
    drops the Allow header of werkzeug's MethodNotAllowed (schemathesis: wrong response to undeclared method)."""
    response = app.test_client().delete("/api/v1/tasks", headers=bearer(app, OMG_PAPSY))
    assert response.status_code == 405 and response.headers.get("Allow")


def test_big_integers_in_workflow_data_are_refused_never_stored_lossy(session):
    """Integers beyond 64 bits would come back as floats (2**64 + 1 as 1.8446744073709552e+19): the state is
    refused instead (the engine turns that into ProcessFailed), and forms refuse such numbers at input."""
    version = registry.current_version(session, "appointment")
    workflow = BpmnWorkflow(*version_spec(version))
    workflow.data["count"] = 2**63 - 1
    assert load_state(dump_state(workflow), version).data["count"] == 2**63 - 1
    workflow.data["count"] = 2**64 + 1
    with pytest.raises(TypeError):
        dump_state(workflow)


# == found by fuzzing, on PostgreSQL ====================================================================================

@pytest.mark.postgres
@pytest.mark.parametrize("method, url, body", [
    ("POST", "/api/v1/process-instances", {"model": "appoint\x00ment", "entity": "OMG", "data": {}}),
    ("POST", "/api/v1/process-instances", {"model": "appointment", "entity": "O\x00MG", "data": {}}),
    ("GET", "/api/v1/confidants?entity=O%00MG", None),
], ids=["model", "entity", "confidants-entity"])
def test_pg_nul_in_api_lookups_is_422(pg_app, method, url, body):
    """PostgreSQL refuses NUL in text parameters (psycopg DataError 'PostgreSQL text fields cannot contain NUL'):
    registry.current_version and services.find_entity send the value as it came, 500. (Form data with NUL is
    refused as a control character since app/forms/validation.py checks it.)"""
    response = pg_app.test_client().open(url, method=method, headers=bearer(pg_app, OMG_SECRETARY), json=body)
    assert response.status_code == 422


@pytest.mark.postgres
def test_pg_an_email_that_grows_when_lowercased_does_not_block_the_approval(pg_app):
    """candidate_email '\u0130' * 250 + '@x.b' has 254 characters, the schema's maxLength, and is accepted; the
    approval's roster.activate lowercases it ('\u0130'.lower() is two characters) to 504 characters: 'value too
    long for type character varying(254)' on user_account.email, ProcessFailed, 500. The appointment can never be
    approved. (On SQLite, which does not enforce lengths, it passes.)"""
    api = Api(pg_app)
    started = api.start(candidate_email="\u0130" * 250 + "@x.b")
    if started.status_code == 422:
        return
    task_id = started.get_json()["open_tasks"][0]["id"]
    assert api.complete(task_id, {"decision": "approve"}, api.papsy).status_code == 200


# == fixed while the fuzzing ran: regression tests =================================================================

HUGE = 2**64  # beyond SQLite's 64-bit and PostgreSQL's 32-bit integer columns


@pytest.mark.parametrize("method, url", [("GET", f"/api/v1/tasks/{HUGE}"), ("GET", f"/api/v1/process-instances/{HUGE}"),
                                         ("POST", f"/api/v1/tasks/{HUGE}/complete"),
                                         ("GET", f"/api/v1/tasks/{2**31}"), ("GET", "/api/v1/tasks/-1")])
def test_api_id_beyond_the_integer_column_is_404(app, method, url):
    """Was: <int:...> took any size and session.get() failed in the driver (SQLite OverflowError, PostgreSQL
    NumericValueOutOfRange): 500. Now an <id:...> converter bounds ids."""
    response = app.test_client().open(url, method=method, headers=bearer(app, OMG_PAPSY), json={"data": {}})
    assert response.status_code == 404


@pytest.mark.parametrize("url", [f"/tasks/{HUGE}", f"/instances/{HUGE}", f"/tasks/{2**31}"])
def test_web_id_beyond_the_integer_column_is_404(app, url):
    client = app.test_client()
    login(client, OMG_PAPSY)
    assert client.get(url).status_code == 404


def test_deeply_nested_json_body_is_422_and_changes_nothing(app):
    """Was: get_json(silent=True) let the RecursionError of a deeply nested body through: 500."""
    api = Api(app)
    before = fingerprint()
    body = '{"model": "appointment", "entity": "OMG", "data": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = api.client.post("/api/v1/process-instances", data=body, content_type="application/json",
                               headers=api.secretary)
    assert response.status_code == 422 and fingerprint() == before


@pytest.mark.parametrize("field", ["candidate_name", "function", "eoc_reference", "candidate_email"])
def test_nul_in_a_start_form_is_422_and_changes_nothing(app, field):
    """Was (PostgreSQL): a NUL in candidate_name was a 500 at the start; in function, eoc_reference or
    candidate_email it was accepted and made every approval a 500. Now control characters are refused."""
    secretary = app.test_client()
    login(secretary, OMG_SECRETARY)
    token = csrf_token(secretary.get("/processes/appointment/start").get_data(as_text=True))
    before = fingerprint()
    form = appointment_form(**{field: "\x00" + appointment_data()[field]})
    response = secretary.post("/processes/appointment/start", data={**form, "entity": "OMG", "csrf_token": token})
    assert response.status_code == 422, response.status_code
    assert fingerprint() == before


def test_a_failing_service_task_gives_the_clear_process_failed_message(app, monkeypatch):
    """Was: after a failed flush in a service task, runner.run_engine's except clause read the expired
    instance.id: PendingRollbackError instead of ProcessFailed's message. Now the message comes, nothing is kept
    and the task stays ready."""
    def broken_service(context, params, data):
        context.session.add(Task(instance_id=context.instance_id))  # violates NOT NULL: the flush fails
        context.session.flush()

    monkeypatch.setitem(engine_services._registry, "roster.activate", broken_service)
    api = Api(app)
    task_id = api.start().get_json()["open_tasks"][0]["id"]
    before = fingerprint()
    response = api.complete(task_id, {"decision": "approve"}, api.papsy)
    assert response.status_code == 500 and "liep vast" in response.get_json()["error"]
    after = fingerprint()
    assert after == before, changed_tables(before, after)
    assert ready_task_id(app) == task_id
