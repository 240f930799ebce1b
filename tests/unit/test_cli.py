"""The `vertrouwd` command: good arguments do their work, bad ones say why and exit non-zero."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from app.cli import main
from app.db import db
from app.clock import now
from app.models import (
    Entity,
    HistoryEvent,
    InstanceStatus,
    ProcessInstance,
    ProcessModelVersion,
    Task,
    TaskState,
    User,
)
from app.ui import DUE_SOON
from tests.helpers import NO_TASKS, OMG_PAPSY, user


@pytest.fixture
def run(app, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VERTROUWD_INSTANCE", str(tmp_path))
    monkeypatch.setenv("TOTP_KEY", app.extensions["vertrouwd_settings"].totp_key)  # the same secrets as the app
    monkeypatch.setenv("AUDIT_KEY", app.extensions["vertrouwd_settings"].audit_key)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None):
        result = runner.invoke(main, list(args), input=stdin)
        db.session.remove()
        return result
    return invoke


def count(model) -> int:
    return db.session().scalar(select(func.count()).select_from(model))


def test_init_is_idempotent_and_keeps_version_1(run):
    first, second = run("init"), run("init")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "process model appointment: version 1" in second.output
    assert "process model training_deadline: version 1" in second.output
    assert "process model delicate_case: version 1" in second.output
    assert "process model key_recovery: version 1" in second.output
    assert "process model intervision_year: version 1" in second.output
    assert "process model intervision_external: version 1" in second.output
    assert "process model resignation: version 1" in second.output
    assert "process model inactivity: version 1" in second.output
    assert "process model incident_sharing: version 1" in second.output
    assert "process model prevention_measure: version 1" in second.output
    assert "process model working_conversation: version 1" in second.output
    assert count(ProcessModelVersion) == 11  # one version of each model in bpmn/


def test_demo_is_idempotent_and_prints_the_logins(run):
    result = run("demo")
    assert result.exit_code == 0
    assert "ingrid.verhaegen@omgeving.vlaanderen.example" in result.output and "vertrouwd-demo" in result.output
    assert "these are DEMO accounts" in result.output, "the demo says whose keys its password opens"
    users_after_first = count(User)
    again = run("demo")
    assert again.exit_code == 0 and "Demo case made" not in again.output
    assert count(User) == users_after_first


def test_r7_demo_dossiers_adds_sealed_synthetic_dossiers_for_the_reports(run):
    """`vertrouwd demo --dossiers N`: N more dossiers, over the last five years, each sealed (a requester in
    ciphertext, a key for its confidant and the recovery key); a bad count is refused and adds none."""
    from app.models import Dossier, DossierKey

    assert run("demo").exit_code == 0
    before = count(Dossier)
    result = run("demo", "--dossiers", "40")
    assert result.exit_code == 0 and "Demo dossiers added: 40" in result.output, result.output
    session = db.session()
    added = list(session.scalars(select(Dossier).order_by(Dossier.id.desc()).limit(40)))
    assert count(Dossier) == before + 40 and len({dossier.opened_on.year for dossier in added}) > 1
    assert all(dossier.requester_sealed and b"Verzoeker" not in dossier.requester_sealed for dossier in added)
    assert session.scalar(select(func.count()).select_from(DossierKey).where(
        DossierKey.dossier_id.in_([dossier.id for dossier in added]))) == 80
    assert run("demo", "--dossiers", "-3").exit_code != 0 and count(Dossier) == before + 40


def test_defect_10_the_demo_shows_each_state_a_user_meets_once_however_often_it_runs(run):
    """A late task, one due soon, a claimed one, a closed process, a confidant with a certificate task; intervision:
    an IDEWE certificate to review and a new confidant to place in a group, both for the AWV PAPSY."""
    first, second = run("demo"), run("demo")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert first.output.count("Demo case made") == 16 and "Demo case made" not in second.output
    session, at = db.session(), now()
    ready = list(session.scalars(select(Task).where(Task.state == TaskState.READY)))
    late = [task for task in ready if task.due_at and task.due_at < at]
    soon = [task for task in ready if task.due_at and at <= task.due_at < at + DUE_SOON]
    claimed = [task for task in ready if task.assignee_id is not None and task.lane == "papsy"]
    certificate = [task for task in ready if task.spec_name == "upload_certificate"
                   and task.assignee_id == user(session, "koen.maes@omgeving.vlaanderen.example").id]
    closed = session.scalars(select(ProcessInstance).where(ProcessInstance.status == InstanceStatus.COMPLETED)).all()
    assert [(task.spec_name, task.entity.code) for task in late] == [("take_up", "AWV")]
    assert [(task.spec_name, task.entity.code) for task in soon] == [("take_up", "OMG")]
    assert [(task.spec_name, task.assignee_id) for task in claimed] == [("review_appointment", user(session, OMG_PAPSY).id)]
    assert session.scalar(select(func.count()).select_from(HistoryEvent).where(HistoryEvent.kind == "claimed")) == 1
    assert len(certificate) == 1
    intervision = sorted((task.spec_name, task.entity.code, task.subject) for task in ready
                         if task.spec_name in ("assign_group", "review_attest"))
    assert intervision == [("assign_group", "AWV", "Lotte Janssens"), ("review_attest", "AWV", "Tom Peeters")]
    assert [(instance.model_version.model_key, instance.subject) for instance in closed] == \
        [("appointment", "Lotte Janssens")]


def test_entity_add_and_duplicate(run):
    assert run("entity", "add", "OPG", "Agentschap Opgroeien").exit_code == 0
    duplicate = run("entity", "add", "OPG", "Nog eens")
    assert duplicate.exit_code != 0 and "exists already" in duplicate.output
    assert count(Entity) == 3


def test_user_add_with_roles_entity_and_password(run):
    result = run("user", "add", "nele.hermans@omgeving.vlaanderen.example", "--name", "Nele Hermans",
                 "--role", "confidant", "--role", "eoc_secretary", "--entity", "OMG", "--password-stdin",
                 stdin="een-lang-wachtwoord\n")
    assert result.exit_code == 0, result.output
    created = db.session().scalar(select(User).where(User.email == "nele.hermans@omgeving.vlaanderen.example"))
    assert {r.value for r in created.roles} == {"confidant", "eoc_secretary"} and created.entity.code == "OMG"
    assert created.password_hash.startswith("$argon2id$")


def test_papsy_gets_several_entities(run):
    result = run("user", "add", "an.papsy@gdpb.vlaanderen.example", "--name", "An Papsy", "--role", "papsy",
                 "--entity", "OMG", "--entity", "AWV")
    assert result.exit_code == 0, result.output
    created = db.session().scalar(select(User).where(User.email == "an.papsy@gdpb.vlaanderen.example"))
    assert sorted(e.code for e in created.papsy_entities) == ["AWV", "OMG"]


@pytest.mark.parametrize("args, stdin, message", [
    (["user", "add", "x@y.example", "--name", "X", "--role", "wizard"], None, "Invalid value for '--role'"),
    (["user", "add", "x@y.example", "--name", "X", "--role", "confidant"], None, "exactly one entity"),
    (["user", "add", "x@y.example", "--name", "X", "--role", "confidant", "--entity", "NOPE"], None, "unknown entity"),
    (["user", "add", "not-an-address", "--name", "X", "--role", "admin"], None, "not an e-mail address"),
    (["user", "add", "x@y.example", "--name", "X", "--role", "admin", "--password-stdin"], "kort\n", "minstens 12"),
    (["user", "add", "admin@gdpb.vlaanderen.example", "--name", "X", "--role", "admin"], None, "exists already"),
    (["user", "add", "x@y.example", "--role", "admin"], None, "Missing option '--name'"),
    (["user", "add", "x@y.example", "--name", "X", "--role", "admin", "--role", "confidant", "--entity", "OMG"], None,
     "cannot also be a confidant"),
    (["token", "create", "nobody@nowhere.example"], None, "unknown user"),
])
def test_bad_arguments_fail_with_a_message_and_change_nothing(run, args, stdin, message):
    users_before = count(User)
    result = run(*args, stdin=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert count(User) == users_before


def test_token_create_prints_a_token_that_the_api_accepts(run, client):
    result = run("token", "create", "luc.vandenbroeck@gdpb.vlaanderen.example")
    assert result.exit_code == 0
    token = result.output.strip()
    response = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json() == NO_TASKS


def test_set_password_lets_an_appointed_confidant_log_in(run, client):
    from tests.helpers import login

    assert run("user", "add", "nieuw@omgeving.vlaanderen.example", "--name", "Nieuw", "--role", "confidant",
               "--entity", "OMG").exit_code == 0
    result = run("user", "set-password", "nieuw@omgeving.vlaanderen.example", "--password-stdin",
                 stdin="een-goed-wachtwoord\n")
    assert result.exit_code == 0, result.output
    login(client, "nieuw@omgeving.vlaanderen.example", "een-goed-wachtwoord")
    assert client.get("/inbox").location.endswith("/account/choose-password"), "a temporary password"
    assert run("user", "set-password", "nobody@x.example", "--password-stdin", stdin="een-goed-wachtwoord\n"
               ).exit_code != 0
    assert "minstens 12" in run("user", "set-password", "nieuw@omgeving.vlaanderen.example", "--password-stdin",
                                stdin="kort\n").output


def test_f1_user_deactivate_ends_every_session(run, app):
    from tests.helpers import OMG_SECRETARY, login

    browser = app.test_client()
    login(browser, OMG_SECRETARY)
    result = run("user", "deactivate", OMG_SECRETARY)
    assert result.exit_code == 0 and "deactivated" in result.output
    response = browser.get("/inbox")
    assert response.status_code == 302 and "/login" in response.location
    assert run("user", "deactivate", "nobody@x.example").exit_code != 0


def test_recovery_init_writes_the_key_once_and_audit_verify_names_a_broken_link(run, tmp_path):
    from sqlalchemy import update

    from app.dossiers import audit
    from app.models import AuditEntry

    refused = run("recovery", "init", str(tmp_path / "gdpb.pem"))  # the test app made one already
    assert refused.exit_code != 0 and "--rotate" in refused.output
    rotated = run("recovery", "init", str(tmp_path / "gdpb.pem"), "--rotate")
    assert rotated.exit_code == 0 and (tmp_path / "gdpb.pem").read_bytes().startswith(b"-----BEGIN PRIVATE KEY")
    again = run("recovery", "init", str(tmp_path / "gdpb.pem"), "--rotate")
    assert again.exit_code != 0 and "bestaat al" in again.output, "an existing key file is never overwritten"

    session = db.session()
    for action in ("read", "read", "update"):
        audit.record(session, None, 1, action)
    session.commit()
    assert run("audit", "verify").output.strip() == "audit log intact: 3 entries"
    second = db.session().scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()[1]
    db.session().execute(update(AuditEntry).where(AuditEntry.id == second).values(dossier_id=2))
    db.session().commit()
    broken = run("audit", "verify")
    assert broken.exit_code != 0 and f"broken at entry {second}" in broken.output


def test_f9_user_add_for_an_existing_address_adds_no_role_and_says_so(run):
    result = run("user", "add", "admin@gdpb.vlaanderen.example", "--name", "Anouk Beheer", "--role", "confidant",
                 "--entity", "OMG")
    assert result.exit_code != 0 and "roles are never added to an existing account" in result.output
    admin = db.session().scalar(select(User).where(User.email == "admin@gdpb.vlaanderen.example"))
    assert {r.value for r in admin.roles} == {"admin"} and admin.entity_id is None


TEMPORARY, OWN = "tijdelijk-van-de-beheerder-1", "mijn-eigen-gekozen-wachtwoord-2"


def test_f2_user_add_with_password_stdin_gives_a_temporary_password_and_no_key_pair(run, client):
    from app.models import UserKey
    from tests.helpers import assert_key_sealed_only_under, choose_password, login

    result = run("user", "add", "nele.hermans@omgeving.vlaanderen.example", "--name", "Nele Hermans", "--role",
                 "confidant", "--entity", "OMG", "--password-stdin", stdin=TEMPORARY + "\n")
    assert result.exit_code == 0 and "temporary password" in result.output, result.output
    created = db.session().scalar(select(User).where(User.email == "nele.hermans@omgeving.vlaanderen.example"))
    assert created.password_temporary and db.session().get(UserKey, created.id) is None
    login(client, created.email, TEMPORARY)
    for page in ("/inbox", "/dossiers/new", "/account/password"):
        assert client.get(page).location.endswith("/account/choose-password"), page
    choose_password(client, OWN)
    assert client.get("/dossiers/new").status_code == 200
    assert_key_sealed_only_under(db.session(), created, OWN, TEMPORARY)


def test_f2_user_set_password_deletes_the_key_pair_until_the_user_chooses_their_own(run, client):
    from app.models import UserKey
    from tests.helpers import OMG_CONFIDANT, assert_key_sealed_only_under, choose_password, login, post_form

    login(client, OMG_CONFIDANT)
    dossier = post_form(client, "/dossiers/new", {"opened_on": "2026-11-02", "requester": "Verzoeker Q",
                                                  "themes": "stress", "persons": "colleague",
                                                  "interventions": "listening"}).location
    result = run("user", "set-password", OMG_CONFIDANT, "--password-stdin", stdin=TEMPORARY + "\n")
    assert result.exit_code == 0 and "key pair was deleted" in result.output, result.output
    confidant = db.session().scalar(select(User).where(User.email == OMG_CONFIDANT))
    assert db.session().get(UserKey, confidant.id) is None, "no key under the admin's password"
    again = client.application.test_client()
    login(again, OMG_CONFIDANT, TEMPORARY)
    assert again.get(dossier).location.endswith("/account/choose-password")
    choose_password(again, OWN)
    assert again.get(dossier).status_code == 423, "the old dossiers wait for the recovery procedure"
    assert_key_sealed_only_under(db.session(), confidant, OWN, TEMPORARY)


def test_f2_user_add_without_a_password_prints_a_setup_link_and_setup_link_replaces_it(run, client):
    added = run("user", "add", "nele.hermans@omgeving.vlaanderen.example", "--name", "Nele Hermans", "--role",
                "confidant", "--entity", "OMG")
    assert added.exit_code == 0, added.output
    first = added.output.strip().splitlines()[-1]
    assert "/setup/" in first and client.get(first[first.index("/setup/"):]).status_code == 200
    again = run("user", "setup-link", "nele.hermans@omgeving.vlaanderen.example")
    second = again.output.strip().splitlines()[-1]
    assert again.exit_code == 0 and second != first
    assert client.get(first[first.index("/setup/"):]).status_code == 404, "a new link replaces the old one"
    assert client.get(second[second.index("/setup/"):]).status_code == 200
    assert run("user", "setup-link", "nobody@x.example").exit_code != 0


def test_public_url_defaults_to_the_address_run_listens_on(monkeypatch):
    """Issue 9, defect 9: mail links pointed at port 5000 while the app ran on another."""
    from app.config import Settings

    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.setenv("PORT", "8080")
    assert Settings(secret_key="x", totp_key="x", audit_key="x").public_url == "http://127.0.0.1:8080"
    monkeypatch.setenv("HOST", "0.0.0.0")
    assert Settings(secret_key="x", totp_key="x", audit_key="x").public_url == "http://127.0.0.1:8080"
    monkeypatch.setenv("PUBLIC_URL", "https://vertrouwd.vlaanderen.example/")
    assert Settings(secret_key="x", totp_key="x", audit_key="x").public_url == "https://vertrouwd.vlaanderen.example"


def test_r8_the_demo_shows_a_sharing_to_write_and_one_to_acknowledge(run):
    from app.models import IncidentSharing, SharingState

    assert run("demo").exit_code == 0
    session = db.session()
    ready = {(task.spec_name, task.subject) for task in session.scalars(select(Task).where(
        Task.state == TaskState.READY, Task.spec_name.in_(("share_incidents", "acknowledge_incidents"))))}
    assert ready == {("share_incidents", "Els De Smet"), ("acknowledge_incidents", "Sofie Claes")}
    states = {(sharing.confidant_id, sharing.year): sharing.state for sharing in session.scalars(select(IncidentSharing))}
    assert sorted(states.values()).count(SharingState.SUBMITTED) == 1, "Sofie's, to acknowledge"
    assert all(state in (SharingState.OPEN, SharingState.SUBMITTED) for state in states.values())
    assert run("incidents", "start-year").output.endswith("confidant(s) started\n")
