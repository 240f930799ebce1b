"""API tokens (issue 8, item 12): they expire, can be listed and revoked, and never open confidential content."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from click.testing import CliRunner
from flask import g

from app.cli import main
from app.db import db
from app.dossiers.services import NotYours, own_dossier
from app.engine.errors import NotAllowed
from app.models import ApiToken, StoredFile
from app.workflow.services import file_for
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, login, post_form, user

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def cli(app, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VERTROUWD_INSTANCE", str(tmp_path))

    def invoke(*args: str):
        result = CliRunner().invoke(main, list(args))
        db.session.remove()
        return result
    return invoke


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_also_seen_token_expiry_refuses_an_expired_token_like_a_revoked_one(cli, client, monkeypatch):
    monkeypatch.setenv("API_TOKEN_DAYS", "30")
    with time_machine.travel(T0, tick=False) as clock:
        default = cli("token", "create", OMG_PAPSY)
        short = cli("token", "create", OMG_PAPSY, "--days", "2")
        assert default.exit_code == 0 and short.exit_code == 0, default.output + short.output
        assert client.get("/api/v1/tasks", headers=bearer(short.output.strip())).status_code == 200
        clock.move_to(T0 + timedelta(days=2, seconds=1))
        refused = client.get("/api/v1/tasks", headers=bearer(short.output.strip()))
        assert refused.status_code == 401 and "WWW-Authenticate" in refused.headers
        assert client.get("/api/v1/tasks", headers=bearer(default.output.strip())).status_code == 200
        clock.move_to(T0 + timedelta(days=30, seconds=1))
        assert client.get("/api/v1/tasks", headers=bearer(default.output.strip())).status_code == 401, \
            "API_TOKEN_DAYS is the default lifetime"


def test_also_seen_token_list_shows_dates_never_the_token_and_revoke_ends_it(cli, client, store):
    with time_machine.travel(T0, tick=False):
        token = cli("token", "create", OMG_PAPSY, "--days", "10").output.strip()
        assert client.get("/api/v1/tasks", headers=bearer(token)).status_code == 200
    row = store.query(ApiToken).one()
    with time_machine.travel(T0 + timedelta(days=20), tick=False):
        listed = cli("token", "list", OMG_PAPSY)
    assert listed.exit_code == 0
    assert token not in listed.output and row.token_hash not in listed.output
    line = next(line for line in listed.output.splitlines() if line.split()[0] == str(row.id))
    assert "2026-12-01 09:00" in line and "2026-12-11 09:00" in line and "expired" in line
    assert "never" not in line, "the use is shown"

    revoked = cli("token", "revoke", str(row.id))
    assert revoked.exit_code == 0 and OMG_PAPSY in revoked.output
    assert "revoked" in cli("token", "list", OMG_PAPSY).output
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        assert client.get("/api/v1/tasks", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("args, message", [
    (["token", "create", OMG_PAPSY, "--days", "0"], "1 tot 366 dagen"),
    (["token", "create", OMG_PAPSY, "--days", "-5"], "1 tot 366 dagen"),
    (["token", "create", OMG_PAPSY, "--days", "99999999999"], "1 tot 366 dagen"),
    (["token", "create", OMG_PAPSY, "--days", "veel"], "is not a valid integer"),
    (["token", "revoke", "424242"], "geen API-token met nummer 424242"),
    (["token", "revoke", "99999999999"], "geen API-token"),
    (["token", "list", "nobody@nowhere.example"], "unknown user"),
])
def test_also_seen_token_bad_arguments_are_refused_with_a_message(cli, store, args, message):
    result = cli(*args)
    assert result.exit_code != 0 and message in result.output
    assert store.query(ApiToken).count() == 0


def test_also_seen_token_request_opens_no_dossier_and_no_certificate(app, client, store):
    """Whatever an API route calls, the policy refuses dossiers and files to a token-authenticated request."""
    login(client, OMG_CONFIDANT)
    dossier_id = int(post_form(client, "/dossiers/new", {
        "opened_on": "2026-11-02", "requester": "Kanarie Verzoeker", "themes": ["stress"], "persons": "colleague",
        "interventions": "listening", "note": "kanarie-notitie"}).location.rsplit("/", 1)[1])
    confidant = user(store, OMG_CONFIDANT)
    certificate = StoredFile(sha256="0" * 64, size=4, mimetype="application/pdf", content=b"%PDF",
                             uploaded_by_id=confidant.id)
    store.add(certificate)
    from app.auth.accounts import create_api_token

    token = create_api_token(store, confidant)
    store.commit()
    with app.test_request_context("/api/v1/tasks", headers=bearer(token)):
        assert app.preprocess_request() is None and g.api_user.email == OMG_CONFIDANT
        with pytest.raises(NotYours):
            own_dossier(db.session(), g.api_user, dossier_id)
        with pytest.raises(NotAllowed):
            file_for(db.session(), g.api_user, certificate.id)
    with app.test_request_context("/files/1"):  # the same user in a session may (the web's own tests cover it)
        assert own_dossier(db.session(), db.session().get(type(confidant), confidant.id), dossier_id).id == dossier_id
    for path in ("/api/v1/tasks", "/api/v1/process-models", "/api/v1/confidants", f"/files/{certificate.id}",
                 f"/dossiers/{dossier_id}"):
        body = app.test_client().get(path, headers=bearer(token)).get_data()
        assert b"Kanarie" not in body and b"kanarie" not in body and body != b"%PDF", path


def test_also_seen_a_token_neither_starts_nor_completes_a_confidential_process(app, client, store):
    """A key recovery or a delicate case needs a browser session with the second factor (review finding: a PAPSY's
    token started a recovery); the entity's ordinary processes still start through the API."""
    from sqlalchemy import select

    from app.auth.accounts import create_api_token
    from app.models import Task
    from tests.helpers import OMG_SECRETARY, appointment_data, delicate_case

    _, instance_id = delicate_case(store)
    take_up = store.scalar(select(Task.id).where(Task.instance_id == instance_id, Task.spec_name == "take_up"))
    headers = {"Authorization": f"Bearer {create_api_token(store, user(store, OMG_PAPSY))}"}
    secretary = {"Authorization": f"Bearer {create_api_token(store, user(store, OMG_SECRETARY))}"}
    store.commit()
    recovery = client.post("/api/v1/process-instances", headers=headers, json={
        "model": "key_recovery", "entity": "OMG", "data": {"kind": "password_reset", "confidant_email": OMG_CONFIDANT}})
    assert recovery.status_code == 403
    completed = client.post(f"/api/v1/tasks/{take_up}/complete", headers=headers,
                            json={"data": {"consulted_on": "2026-11-30", "advice": "x", "follow_up": "none"}})
    assert completed.status_code == 403
    appointment = client.post("/api/v1/process-instances", headers=secretary,
                              json={"model": "appointment", "entity": "OMG", "data": appointment_data()})
    assert appointment.status_code == 201
