"""The database out of reach for a moment (a PostgreSQL restart): the web says "try again" (503), never a trace, and
carries on by itself once the database answers again."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text

from app.auth.accounts import create_api_token
from app.db import db
from tests.helpers import OMG_SECRETARY, csrf_token, login, user

# Nothing listens on port 1: connecting is refused at once, as while PostgreSQL restarts.
CLOSED_PORT = "postgresql+psycopg://postgres@127.0.0.1:1/vertrouwd"


@contextmanager
def database_out_of_reach():
    """New sessions of this thread go to a server that is not there; the app's own engine is left alone."""
    nowhere = create_engine(CLOSED_PORT)
    db.session.remove()
    db.session.configure(bind=nowhere)
    try:
        yield
    finally:
        db.session.remove()
        db.session.configure(bind=db.engine)
        nowhere.dispose()


def test_a_page_asked_while_the_database_is_out_of_reach_says_try_again_and_the_session_survives(client):
    login(client, OMG_SECRETARY)
    with database_out_of_reach():
        response = client.get("/inbox?due=late")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "Even niet bereikbaar" in page and "Probeer het over een halve minuut opnieuw" in page
    assert "Temporarily unavailable" in page and 'href="/inbox?due=late"' in page
    assert "Traceback" not in page and "OperationalError" not in page and "127.0.0.1" not in page
    assert client.get("/inbox").status_code == 200, "still logged in once the database is back"


def test_a_form_sent_while_the_database_is_out_of_reach_gets_try_again_not_a_csrf_refusal(client):
    login(client, OMG_SECRETARY)
    token = csrf_token(client.get("/inbox").get_data(as_text=True))
    with database_out_of_reach():
        response = client.post("/language", data={"lang": "en", "csrf_token": token})
    assert response.status_code == 503 and 'href="/"' in response.get_data(as_text=True)
    assert "Mijn taken" in client.get("/inbox").get_data(as_text=True), "the choice was not saved"


def test_the_api_answers_503_json_while_the_database_is_out_of_reach(client, store):
    token = create_api_token(store, user(store, OMG_SECRETARY))
    store.commit()
    with database_out_of_reach():
        response = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.get_json() == {"error": "De databank is even niet bereikbaar; er werd niets bewaard. Probeer het "
                                            "over een halve minuut opnieuw."}


@pytest.mark.postgres
def test_after_postgresql_dropped_the_apps_connections_the_next_request_simply_works(pg_app, pg_database_url):
    """A real drop: PostgreSQL ends every connection of this test's own database (as a restart does); the pool
    notices on its next checkout and connects anew."""
    client = pg_app.test_client()
    login(client, OMG_SECRETARY)
    assert client.get("/inbox").status_code == 200
    admin = create_engine(make_url(pg_database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        ended = connection.scalar(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                       "WHERE datname = :name AND pid <> pg_backend_pid()"),
                                  {"name": make_url(pg_database_url).database})
    admin.dispose()
    assert ended >= 1
    assert client.get("/inbox").status_code == 200
