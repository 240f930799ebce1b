"""Scenario tests of process models (issue 10): the runner plays a scenario with the real engine on a throw-away
savepoint and its own clock; a deploy with a failing scenario is refused (API and command line); `vertrouwd model
test` runs a model's scenarios; every scenario shipped in bpmn/scenarios passes."""
from __future__ import annotations

import copy
import json
import threading
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from app.api.openapi import OPENAPI
from app.clock import moved_clock, now
from app.config import PROJECT_ROOT
from app.db import Base
from app.engine import registry
from app.models import ProcessModelVersion
from app.modeling.scenarios import run
from tests.api_client import bearer
from tests.helpers import ADMIN
from tests.unit.test_cli import run as cli  # noqa: F401  (the `vertrouwd` command, in process)

SHIPPED = sorted(PROJECT_ROOT.glob("bpmn/scenarios/*/*.json"))
APPROVED = json.loads((PROJECT_ROOT / "bpmn" / "scenarios" / "appointment" / "approved.json").read_text())
APPOINTMENT = (PROJECT_ROOT / "bpmn" / "appointment.bpmn").read_text()


def wrong_path() -> dict:
    """The approved appointment, expected (wrongly) to pass the correction step."""
    scenario = copy.deepcopy(APPROVED)
    scenario["expect"]["path"] = ["review_appointment", "correct_appointment"]
    return scenario


def rows(session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables}


@pytest.mark.parametrize("path", SHIPPED, ids=[f"{path.parent.name}/{path.stem}" for path in SHIPPED])
def test_every_shipped_scenario_passes(session, path):
    version = registry.current_version(session, path.parent.name)
    result = run(session, version, path.stem, json.loads(path.read_text()))
    assert result.passed, result.message


def test_the_shipped_models_have_their_happy_path_and_main_alternative():
    assert {(path.parent.name, path.stem) for path in SHIPPED} >= {
        ("appointment", "approved"), ("appointment", "sent_back_for_correction"),
        ("training_deadline", "reminded_then_certified"), ("training_deadline", "deadline_missed_role_ends"),
        ("key_recovery", "requested_waits_for_an_admin"),
        ("delicate_case", "papsy_takes_it_up"), ("delicate_case", "late_papsy_reminded_then_offered")}


def test_a_failing_scenario_says_at_which_element_what_was_expected_and_what_happened(session):
    result = run(session, registry.current_version(session, "appointment"), "wrong", wrong_path())
    assert not result.passed and result.element == "correct_appointment"
    assert "'correct_appointment' werd niet (in die volgorde) bereikt" in result.message
    assert "review_appointment > review_decision > activate_confidant" in result.message
    step = copy.deepcopy(APPROVED)
    step["steps"][0]["complete"] = "correct_appointment"
    failed = run(session, registry.current_version(session, "appointment"), "step", step)
    assert failed.message == "stap 1: 'correct_appointment' staat niet klaar (wel: review_appointment)"
    assert failed.element == "correct_appointment"


@pytest.mark.parametrize(("broken", "message"), [
    ({"steps": "x"}, "'steps' is een lijst"),
    ({"steps": [{"wait": 1}]}, "stap 1: een stap is"),
    ({"steps": [{"complete": "review_appointment", "as": "boss"}]}, "stap 1: 'boss' is geen rol"),
    ({"steps": [{"complete": "review_appointment", "data": ["approve"]}]}, "stap 1: 'data' is een object"),
    ({"steps": [{"complete": "review_appointment", "data": {"decision": "maybe"}}]}, "stap 1: decision: "),
    ({"steps": [{"clock": "-P1D"}]}, "stap 1: de klok gaat alleen vooruit"),
])
def test_a_malformed_scenario_fails_with_a_message_and_is_no_error(session, broken, message):
    result = run(session, registry.current_version(session, "appointment"), "broken", {**APPROVED, **broken})
    assert not result.passed and result.message.startswith(message), result.message


def test_a_scenario_leaves_no_row_no_job_and_no_mail_behind(session, redis_client):
    version = registry.current_version(session, "training_deadline")
    before = rows(session)
    scenario = json.loads((PROJECT_ROOT / "bpmn" / "scenarios" / "training_deadline" / "deadline_missed_role_ends.json")
                          .read_text())
    assert run(session, version, "missed", scenario).passed  # mails three reminders, starts and fires timers
    session.commit()  # what the scenario asked for after a commit must not go out with the caller's commit
    assert rows(session) == before
    assert redis_client.dbsize() == 0


def test_the_scenario_clock_moves_for_the_scenario_only():
    other_thread = []
    with moved_clock() as move:
        move(timedelta(days=400))
        worker = threading.Thread(target=lambda: other_thread.append(now()))
        worker.start()
        worker.join()
        assert now() - other_thread[0] > timedelta(days=399)
    assert abs(now() - other_thread[0]) < timedelta(minutes=1), "back to the real time, which others kept"


@pytest.fixture
def admin(app):
    return bearer(app, ADMIN)


def test_the_api_refuses_a_deploy_whose_scenario_fails_naming_the_element(client, store, admin):
    response = client.post("/api/v1/process-models/appointment/versions", headers=admin,
                           json={"bpmn": APPOINTMENT, "scenarios": {"wrong": wrong_path()}})
    assert response.status_code == 422, response.get_json()
    [error] = response.get_json()["errors"]
    assert error["element"] == "correct_appointment"
    assert error["message"].startswith("Scenario 'wrong': 'correct_appointment' werd niet")
    assert store.scalar(select(func.count()).select_from(ProcessModelVersion)
                        .where(ProcessModelVersion.model_key == "appointment")) == 1


def test_the_api_checks_a_submission_and_answers_the_report(client, admin):
    response = client.post("/api/v1/process-models/appointment/checks", headers=admin,
                           json={"bpmn": APPOINTMENT, "scenarios": {"wrong": wrong_path(), "approved": APPROVED}})
    assert response.status_code == 200
    body = response.get_json()
    schema = OPENAPI["paths"]["/process-models/{key}/checks"]["post"]["responses"]["200"]["content"]
    Draft202012Validator(schema["application/json"]["schema"]).validate(body)
    assert [(item["name"], item["passed"]) for item in body["scenarios"]] == [("approved", True), ("wrong", False)]
    assert [error["element"] for error in body["errors"]] == ["correct_appointment"]
    assert client.post("/api/v1/process-models/appointment/checks", headers=admin,
                       json={"bpmn": APPOINTMENT, "scenarios": "x"}).status_code == 422


def test_a_confidential_process_s_scenario_runs_when_an_admin_checks_it_through_the_api(client, admin):
    source = (PROJECT_ROOT / "bpmn" / "key_recovery.bpmn").read_text()
    body = client.post("/api/v1/process-models/key_recovery/checks", headers=admin, json={"bpmn": source}).get_json()
    assert body["errors"] == [] and [item["passed"] for item in body["scenarios"]] == [True], body


def test_the_command_line_refuses_a_deploy_whose_scenario_fails_and_model_test_says_which(cli, store, tmp_path):
    folder = tmp_path / "scenarios" / "appointment"
    folder.mkdir(parents=True)
    (tmp_path / "appointment.bpmn").write_text(APPOINTMENT.replace("Aanstelling nakijken", "Aanstelling controleren"))
    (folder / "wrong.json").write_text(json.dumps(wrong_path()))
    refused = cli("model", "deploy", str(tmp_path / "appointment.bpmn"))
    assert refused.exit_code == 1 and "correct_appointment: Scenario 'wrong'" in refused.output
    passed = cli("model", "test", "appointment")
    assert passed.exit_code == 0
    assert passed.output.splitlines() == ["passed  approved", "passed  sent_back_for_correction"]
    registry.deploy(store, "appointment", {"appointment.bpmn": APPOINTMENT}, registry.load_forms(
        PROJECT_ROOT / "forms"), scenarios={"wrong": wrong_path()})  # stored without running them
    store.commit()
    failed = cli("model", "test", "appointment")
    assert failed.exit_code == 1 and failed.output.startswith("FAILED  wrong: 'correct_appointment' werd niet")
