"""A scenario's "given" (issue 10): the delicate case's scenarios start from a made-up dossier that the real dossier
services register and seal for the scenario's throw-away people; nothing of it stays, and its text shows nowhere."""
from __future__ import annotations

import json
import logging

import pytest

from app.config import PROJECT_ROOT
from app.engine import registry
from app.modeling.given import MADE_UP
from app.modeling.scenarios import run
from tests.process.test_scenarios import rows
from tests.unit.test_cli import run as cli  # noqa: F401  (the `vertrouwd` command, in process)

FOLDER = PROJECT_ROOT / "bpmn" / "scenarios" / "delicate_case"
TAKEN_UP = json.loads((FOLDER / "papsy_takes_it_up.json").read_text())


def with_given(dossier: object) -> dict:
    return {**TAKEN_UP, "given": {"dossier": dossier}}


def test_a_delicate_case_scenario_keeps_no_row_no_audit_entry_no_key_and_logs_no_text(session, redis_client, caplog):
    before = rows(session)
    caplog.set_level(logging.DEBUG)
    result = run(session, registry.current_version(session, "delicate_case"), "taken_up", TAKEN_UP)
    assert result.passed, result.message
    session.commit()
    assert rows(session) == before  # dossier, its keys, the summary, the audit entries, the users' key pairs
    assert redis_client.dbsize() == 0
    summary = TAKEN_UP["steps"][0]["data"]["summary"]
    assert all(text not in caplog.text for text in (summary, MADE_UP["requester"], MADE_UP["note"]))


@pytest.mark.parametrize(("model", "scenario", "message"), [
    ("delicate_case", with_given({"themes": ["stress"], "persons": ["colleague"]}),
     "het gegeven dossier startte dit proces niet"),
    ("appointment", with_given({"themes": ["sexual_harassment"], "persons": ["colleague"]}),
     "het gegeven dossier startte dit proces niet"),
    ("delicate_case", with_given({"reasons": ["sexual_harassment"]}), "'dossier' is een object met 'themes'"),
    ("delicate_case", with_given({"themes": "conflict"}), "'dossier' is een object met 'themes'"),
    ("delicate_case", {**TAKEN_UP, "given": {"people": 2}}, "'given' is een object met alleen 'dossier'"),
])
def test_a_given_dossier_that_does_not_start_the_process_or_is_malformed_fails_with_a_message(
        session, model, scenario, message):
    result = run(session, registry.current_version(session, model), "given", scenario)
    assert not result.passed and result.message.startswith(message), result.message


def test_model_test_runs_the_delicate_case_s_shipped_scenarios(cli):
    passed = cli("model", "test", "delicate_case")
    assert passed.exit_code == 0, passed.output
    assert passed.output.splitlines() == ["passed  late_papsy_reminded_then_offered", "passed  papsy_takes_it_up"]
