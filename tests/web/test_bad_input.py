"""Bad input through the web pages: a clear message and nothing changed, never a 500 (also on PostgreSQL, which
refuses NUL in text)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db import db
from app.models import ProcessInstance
from tests.conftest import build_app
from tests.fuzz.support import fingerprint
from tests.helpers import OMG_PAPSY, OMG_SECRETARY, appointment_data, appointment_form, csrf_token, login

HUGE = 2**64  # beyond SQLite's 64-bit and PostgreSQL's 32-bit integer columns


@pytest.fixture
def pg_quiet_app(pg_database_url, redis_url, tmp_path):
    """The app on PostgreSQL, with errors handled as in production (not propagated to the test)."""
    application = build_app(pg_database_url, redis_url, tmp_path, PROPAGATE_EXCEPTIONS=False)
    yield application
    db.session.remove()


@pytest.mark.parametrize("url", [f"/tasks/{HUGE}", f"/instances/{HUGE}", f"/tasks/{2**31}",
                                 "/tasks/99999999999999999999", "/instances/99999999999999999999"])
def test_web_id_beyond_the_integer_column_is_404(app, url):
    """A page id no integer column can hold is a 404 (the id converter bounds it), not a driver overflow."""
    client = app.test_client()
    login(client, OMG_PAPSY)
    assert client.get(url).status_code == 404


@pytest.mark.postgres
def test_pg_nul_byte_in_login_email_is_refused_not_500(pg_quiet_app):
    """A NUL in the login form's e-mail is refused (4xx) before it reaches PostgreSQL."""
    client = pg_quiet_app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "a\x00b@example.org", "password": "x" * 12, "csrf_token": token})
    assert response.status_code in (400, 401, 422)


@pytest.mark.postgres
def test_pg_nul_byte_in_a_start_form_is_422_and_starts_nothing(pg_quiet_app):
    """A NUL in the subject field of a start form is a field error (422) on PostgreSQL, the error page is ours and
    no instance is started."""
    client = pg_quiet_app.test_client()
    login(client, OMG_SECRETARY)
    token = csrf_token(client.get("/processes/appointment/start").get_data(as_text=True))
    response = client.post("/processes/appointment/start",
                           data={**appointment_form(candidate_name="Jana\x00Vermeulen"), "entity": "OMG",
                                 "csrf_token": token})
    assert response.status_code == 422
    with pg_quiet_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(ProcessInstance)) == 0


@pytest.mark.parametrize("field", ["candidate_name", "function", "eoc_reference", "candidate_email"])
def test_nul_in_a_start_form_is_422_and_changes_nothing(app, field):
    """A NUL (a control character) in any text field of a start form is refused with 422, whether the field
    becomes a column or stays in the workflow data; the database is left as it was."""
    secretary = app.test_client()
    login(secretary, OMG_SECRETARY)
    token = csrf_token(secretary.get("/processes/appointment/start").get_data(as_text=True))
    before = fingerprint()
    form = appointment_form(**{field: "\x00" + appointment_data()[field]})
    response = secretary.post("/processes/appointment/start", data={**form, "entity": "OMG", "csrf_token": token})
    assert response.status_code == 422, response.status_code
    assert fingerprint() == before
