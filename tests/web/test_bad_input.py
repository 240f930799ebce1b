"""Review: bad input that still ends in a 500 (the issue's bar: a clear message, nothing changed)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth.accounts import create_api_token
from app.db import db
from app.models import ProcessInstance
from tests.conftest import build_app
from tests.helpers import OMG_SECRETARY, appointment_data, appointment_form, csrf_token, login, user

HUGE = "99999999999999999999"


@pytest.fixture
def quiet_app(database_url, redis_url, tmp_path):
    """The suite's app, with errors handled as in production (not propagated to the test)."""
    application = build_app(database_url, redis_url, tmp_path, PROPAGATE_EXCEPTIONS=False)
    yield application
    db.session.remove()


@pytest.fixture
def pg_quiet_app(pg_database_url, redis_url, tmp_path):
    application = build_app(pg_database_url, redis_url, tmp_path, PROPAGATE_EXCEPTIONS=False)
    yield application
    db.session.remove()


def _token(app) -> str:
    with app.app_context():
        session = db.session()
        value = create_api_token(session, user(session, OMG_SECRETARY))
        session.commit()
    db.session.remove()
    return value


@pytest.mark.parametrize("path", [f"/tasks/{HUGE}", f"/instances/{HUGE}"])
def test_review_web_id_beyond_the_integer_column_is_404_not_500(quiet_app, path):
    """BUG (should fix): the <int:...> converter accepts any size; session.get() then fails in the driver
    (SQLite OverflowError, PostgreSQL NumericValueOutOfRange) and the page is a 500.
    Fails now; passes once ids are bounded (a converter with max=2**31-1, or NotFound for out-of-range ids)."""
    client = quiet_app.test_client()
    login(client, OMG_SECRETARY)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", [f"/api/v1/tasks/{HUGE}", f"/api/v1/process-instances/{HUGE}"])
def test_review_api_id_beyond_the_integer_column_is_404_not_500(quiet_app, path):
    """BUG (should fix): as above, for the JSON API. Fails now (500); passes with bounded ids."""
    response = quiet_app.test_client().get(path, headers={"Authorization": f"Bearer {_token(quiet_app)}"})
    assert response.status_code == 404


def test_review_api_deeply_nested_json_is_422_not_500(quiet_app):
    """BUG (should fix): api/routes._json_body uses get_json(silent=True), which swallows ValueError but not the
    RecursionError of a deeply nested body: 500. Fails now; passes once RecursionError is mapped to the
    'body must be a JSON object' 422 (or the body depth is limited before parsing)."""
    body = '{"model": "appointment", "entity": "OMG", "data": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = quiet_app.test_client().post("/api/v1/process-instances", data=body, content_type="application/json",
                                            headers={"Authorization": f"Bearer {_token(quiet_app)}"})
    assert response.status_code == 422


def test_review_nul_byte_in_login_email_is_401_not_500_on_postgresql(pg_quiet_app):
    """BUG (should fix): psycopg refuses NUL in text parameters; auth.accounts.find_user sends the posted e-mail
    as is, so a NUL in the login form is a 500 on PostgreSQL (401 on SQLite). Fails now on PostgreSQL; passes once
    posted text with NUL (and other C0 controls) is refused before it reaches the database."""
    client = pg_quiet_app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "a\x00b@example.org", "password": "x" * 12, "csrf_token": token})
    assert response.status_code in (400, 401, 422)


def test_review_nul_byte_in_a_start_form_is_422_not_a_crash_on_postgresql(pg_quiet_app):
    """BUG (should fix, two faults): (1) a NUL in a text field passes the JSON Schema and reaches the subject
    column: psycopg DataError during the flush, on PostgreSQL. (2) The 500 handler (app/web.py _http_error) then
    calls gettext -> select_locale -> current_user.locale on a User the failed flush expired, which raises
    PendingRollbackError inside the error handler: Flask's last-resort 500, not our page.
    Fails now (the handler raises); passes once text with NUL is refused as a field error (422) — and the error
    handler should roll the session back before rendering anything."""
    client = pg_quiet_app.test_client()
    login(client, OMG_SECRETARY)
    token = csrf_token(client.get("/processes/appointment/start").get_data(as_text=True))
    response = client.post("/processes/appointment/start",
                           data={**appointment_form(candidate_name="Jana\x00Vermeulen"), "entity": "OMG",
                                 "csrf_token": token})
    assert response.status_code == 422
    with pg_quiet_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_review_nul_byte_in_api_start_data_is_422_on_postgresql(pg_quiet_app):
    """BUG (should fix): the same NUL through POST /api/v1/process-instances is a 500 on PostgreSQL.
    Fails now; passes once NUL in strings is refused by validation (e.g. a pattern/format check in
    app.forms.validation for every string)."""
    response = pg_quiet_app.test_client().post(
        "/api/v1/process-instances", headers={"Authorization": f"Bearer {_token(pg_quiet_app)}"},
        json={"model": "appointment", "entity": "OMG", "data": appointment_data(candidate_name="Jana\x00V")})
    assert response.status_code == 422


def test_review_engine_error_page_survives_a_failed_flush_on_postgresql(pg_quiet_app):
    """A service task whose flush fails (here: a duplicate entity code) must end in ProcessFailed and a page
    that says so: no PendingRollbackError from reading an expired instance or user, nothing half-saved, and the
    task can be tried again (the instance is not poisoned)."""
    from app.engine.services import service
    from sqlalchemy import func, select

    from app.models import Entity, ProcessInstance, Task
    from tests.small_models import deploy

    @service("review.failing_flush")
    def failing_flush(context, params, data):
        context.session.add(Entity(code="OMG", name="Dubbel"))
        context.session.flush()

    body = """<bpmn:serviceTask id="fail" name="Mislukt"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="review.failing_flush"/></bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:serviceTask>
      <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="fail"/>
      <bpmn:sequenceFlow id="f3" sourceRef="fail" targetRef="end"/>"""
    with pg_quiet_app.app_context():
        session = db.session()
        deploy(session, "failing_flush", body, refs="<bpmn:flowNodeRef>fail</bpmn:flowNodeRef>"
                                                    "<bpmn:flowNodeRef>end</bpmn:flowNodeRef>")
    db.session.remove()
    client = pg_quiet_app.test_client()
    login(client, OMG_SECRETARY)
    for _attempt in range(2):
        token = csrf_token(client.get("/processes/failing_flush/start").get_data(as_text=True))
        response = client.post("/processes/failing_flush/start",
                               data={"entity": "OMG", "decision": "approve", "csrf_token": token})
        assert response.status_code == 500
        assert "Het proces liep vast (IntegrityError)" in response.get_data(as_text=True)
    with pg_quiet_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(ProcessInstance)) == 0
        assert db.session().scalar(select(func.count()).select_from(Task)) == 0
