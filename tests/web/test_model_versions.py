"""Versioned deploy (issue 10): the API's GET/POST /api/v1/process-models/<key>/versions and `vertrouwd model
list|deploy`. A new version is N+1 with who, when and why; running instances stay on theirs; a model with a problem
is refused whole, each problem naming its element; only admins deploy."""
from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from app.api.openapi import OPENAPI
from app.config import PROJECT_ROOT
from app.models import ProcessInstance, ProcessModelVersion
from tests.api_client import bearer
from tests.helpers import ADMIN, OMG_PAPSY, OMG_SECRETARY, appointment_data, entity, user
from tests.unit.test_cli import run  # noqa: F401  (the `vertrouwd` command, in process)

SOURCE = (PROJECT_ROOT / "bpmn" / "appointment.bpmn").read_text()
RENAMED = SOURCE.replace('name="Aanstelling nakijken"', 'name="Aanstelling controleren"')
UNKNOWN_LANE = SOURCE.replace('<bpmn:lane id="lane_papsy" name="papsy">', '<bpmn:lane id="lane_papsy" name="baas">') \
    .replace('<bpmn:lane id="lane_eoc_secretary" name="eoc_secretary">', '<bpmn:lane id="lane_eoc_secretary" name="chef">')
BROKEN_STEPS = {"submit_appointment", "review_appointment", "correct_appointment"}
URL = "/api/v1/process-models/appointment/versions"


def versions(store) -> int:
    return store.scalar(select(func.count()).select_from(ProcessModelVersion)
                        .where(ProcessModelVersion.model_key == "appointment"))


@pytest.fixture
def admin(app):
    return bearer(app, ADMIN)


def post(client, headers, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


def test_an_admin_deploys_version_2_while_a_running_instance_stays_on_version_1(client, store, admin):
    from app.workflow import services

    running = services.start_process(store, user(store, OMG_SECRETARY), "appointment", entity(store, "OMG"),
                                     appointment_data())
    store.commit()
    response = post(client, admin, {"bpmn": RENAMED, "comment": "Stap heet nu 'controleren'"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    documented = OPENAPI["paths"]["/process-models/{key}/versions"]["post"]["responses"]["201"]
    Draft202012Validator(documented["content"]["application/json"]["schema"]).validate(body)
    assert (body["version"], body["current"], body["created_by"], body["comment"]) == \
        (2, True, ADMIN, "Stap heet nu 'controleren'")
    store.expire_all()
    assert store.get(ProcessInstance, running.id).model_version.version == 1
    listed = client.get(URL, headers=admin).get_json()["versions"]
    assert [(item["version"], item["current"]) for item in listed] == [(2, True), (1, False)]
    again = post(client, admin, {"bpmn": RENAMED})
    assert (again.status_code, again.get_json()["version"]) == (200, 2), "the same model again is no new version"


def test_a_model_with_a_problem_is_refused_whole_and_each_problem_names_its_element(client, store, admin):
    response = post(client, admin, {"bpmn": UNKNOWN_LANE, "comment": "kapot"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {error["element"] for error in errors} == BROKEN_STEPS
    assert all("is geen gekende rol" in error["message"] for error in errors)
    assert versions(store) == 1


@pytest.mark.parametrize(("body", "field"), [
    ({}, "bpmn"), ({"bpmn": 7}, "bpmn"), ({"bpmn": SOURCE, "dmn": ["x"]}, "dmn"),
    ({"bpmn": SOURCE, "forms": {"x": "y"}}, "forms"), ({"bpmn": SOURCE, "comment": "x" * 501}, "comment"),
])
def test_a_malformed_request_is_422_naming_the_field(client, store, admin, body, field):
    response = post(client, admin, body)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert versions(store) == 1


def test_a_file_without_the_process_or_unreadable_is_422(client, store, admin):
    other = client.post("/api/v1/process-models/delicate_case/versions", data=json.dumps({"bpmn": SOURCE}),
                        content_type="application/json", headers=admin)
    assert other.status_code == 422 and other.get_json()["errors"][0]["element"] == "delicate_case"
    broken = post(client, admin, {"bpmn": "<bpmn:definitions"})
    assert broken.status_code == 422 and "kan niet gelezen worden" in broken.get_json()["errors"][0]["message"]
    assert versions(store) == 1


@pytest.mark.parametrize("email", [OMG_PAPSY, OMG_SECRETARY])
def test_only_an_admin_sees_or_deploys_versions(app, client, store, email):
    headers = bearer(app, email)
    assert client.get(URL, headers=headers).status_code == 403
    assert post(client, headers, {"bpmn": RENAMED}).status_code == 403
    assert versions(store) == 1


def test_an_unknown_model_has_no_versions(client, admin):
    assert client.get("/api/v1/process-models/nope/versions", headers=admin).status_code == 404


# The command line

def test_the_command_line_deploys_a_file_as_the_next_version_with_its_comment(run, store, tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "appointment.bpmn").write_text(RENAMED)
    result = run("model", "deploy", str(folder / "appointment.bpmn"), "--forms", str(PROJECT_ROOT / "forms"),
                 "--comment", "hernoemd")
    assert result.exit_code == 0, result.output
    assert "process model appointment: version 2" in result.output
    store.expire_all()
    newest = store.scalar(select(ProcessModelVersion).where(ProcessModelVersion.model_key == "appointment")
                          .order_by(ProcessModelVersion.version.desc()))
    assert (newest.version, newest.comment) == (2, "hernoemd")
    again = run("model", "deploy", str(folder / "appointment.bpmn"))
    assert "version 2 (unchanged)" in again.output
    listed = run("model", "list")
    assert listed.exit_code == 0 and "appointment\tAanstelling vertrouwenspersoon\tversion 2 of 2" in listed.output


def test_the_command_line_refuses_a_broken_model_naming_each_element(run, store, tmp_path):
    path = tmp_path / "appointment.bpmn"
    path.write_text(UNKNOWN_LANE)
    result = run("model", "deploy", str(path))
    assert result.exit_code == 1
    assert all(f"  {element}: " in result.output for element in BROKEN_STEPS)
    assert "was not deployed: 3 problem(s)" in result.output
    assert versions(store) == 1


def test_the_diff_names_each_element_added_removed_or_changed_and_each_changed_form(run, store, tmp_path):
    from app.engine.registry import load_forms

    forms = tmp_path / "forms"
    forms.mkdir()
    for name, form in load_forms(PROJECT_ROOT / "forms").items():
        schema = dict(form["schema"])
        if name == "appointment_review":
            schema["title"] = "Nakijken, anders"
        (forms / f"{name}.schema.json").write_text(json.dumps(schema))
        if form.get("ui"):
            (forms / f"{name}.uischema.json").write_text(json.dumps(form["ui"]))
    added = RENAMED.replace("</bpmn:process>", '<bpmn:endEvent id="extra_end" name="Extra einde"/><bpmn:sequenceFlow '
                            'id="extra_flow" sourceRef="review_decision" targetRef="extra_end"><bpmn:conditionExpression>'
                            'decision == "withdraw"</bpmn:conditionExpression></bpmn:sequenceFlow></bpmn:process>', 1)
    (tmp_path / "appointment.bpmn").write_text(added)
    assert run("model", "deploy", str(tmp_path / "appointment.bpmn"), "--forms", str(forms)).exit_code == 0
    result = run("model", "diff", "appointment", "1", "2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "appointment: version 1 -> 2"
    assert "  changed  userTask review_appointment 'Aanstelling controleren': name: 'Aanstelling nakijken' -> " \
           "'Aanstelling controleren'" in lines
    assert "  added    endEvent extra_end 'Extra einde'" in lines
    assert "  added    sequenceFlow extra_flow" in lines
    assert "  changed  form appointment_review" in lines
    assert len(lines) == 5, lines
    assert run("model", "diff", "appointment", "2", "1").output.count("removed  endEvent extra_end") == 1
    assert "no change" in run("model", "diff", "appointment", "1", "1").output
    missing = run("model", "diff", "appointment", "1", "9")
    assert missing.exit_code == 1 and "has no version 9" in missing.output


def test_a_rollback_deploys_an_older_version_again_as_the_newest(run, store, tmp_path):
    (tmp_path / "appointment.bpmn").write_text(RENAMED)
    assert run("model", "deploy", str(tmp_path / "appointment.bpmn")).exit_code == 0
    result = run("model", "rollback", "appointment", "1", "--comment", "terug")
    assert result.exit_code == 0 and "version 3 (the content of version 1)" in result.output, result.output
    store.expire_all()
    versions_by_number = {row.version: row for row in store.scalars(
        select(ProcessModelVersion).where(ProcessModelVersion.model_key == "appointment"))}
    assert versions_by_number[3].checksum == versions_by_number[1].checksum and versions_by_number[3].comment == "terug"
    assert versions_by_number[3].model.current_version_id == versions_by_number[3].id
    assert "is version 1 already (unchanged)" in run("model", "rollback", "appointment", "1").output
    assert "no change" in run("model", "diff", "appointment", "1", "3").output


# The admin's page of a model

def test_the_model_page_lists_each_version_with_its_files_and_shows_what_changed(app, client, store, admin):
    from tests.helpers import login

    assert post(client, admin, {"bpmn": RENAMED, "comment": "Stap heet nu 'controleren'"}).status_code == 201
    web = app.test_client()
    login(web, ADMIN)
    assert 'href="/admin/models/appointment"' in web.get("/admin/").get_data(as_text=True)
    page = " ".join(web.get("/admin/models/appointment").get_data(as_text=True).split())
    assert "Stap heet nu &#39;controleren&#39;" in page and "appointment.bpmn" in page
    assert "gewijzigd: Aanstelling controleren" in page and "name: &#39;Aanstelling nakijken&#39;" in page
    download = web.get("/admin/models/appointment/versions/1/files/appointment.bpmn")
    assert download.status_code == 200 and download.get_data(as_text=True) == SOURCE
    assert download.headers["Content-Disposition"] == 'attachment; filename="appointment-v1-appointment.bpmn"'
    assert web.get("/admin/models/appointment/versions/1/files/..%2Fsecret").status_code == 404
    assert web.get("/admin/models/appointment/versions/9/files/appointment.bpmn").status_code == 404
    same = web.get("/admin/models/appointment?from=1&to=1").get_data(as_text=True)
    assert "Geen verschil in de stappen of de formulieren." in same
    assert web.get("/admin/models/nope").status_code == 404
