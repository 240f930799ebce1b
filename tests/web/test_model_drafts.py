"""The modeler's drafts (issue 10): each admin's own unfinished change to a model, saved on the server; nothing
reaches users until it is deployed as version N+1 with its comment. And the form preview: a form being edited,
rendered by our own renderer."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.auth.accounts import ensure_user
from app.config import PROJECT_ROOT
from app.demo import DEMO_PASSWORD
from app.engine.errors import Conflict, InvalidData, ModelInvalid, NotAllowed, NotFound
from app.modeling import drafts
from app.modeling.layout import with_diagram
from app.models import ModelDraft, ProcessModel, ProcessModelVersion, Role
from tests.helpers import ADMIN, OMG_PAPSY, csrf_token, login, user

SOURCE = (PROJECT_ROOT / "bpmn" / "appointment.bpmn").read_text()


@pytest.fixture
def admin(store):
    return user(store, ADMIN)


@pytest.fixture
def other_admin(store):
    colleague = ensure_user(store, "beheer2@gdpb.vlaanderen.example", "Tweede Beheerder", [Role.ADMIN],
                            password=DEMO_PASSWORD)
    store.commit()
    return colleague


def versions(store, key: str = "appointment") -> list[tuple[int, str | None]]:
    return list(store.execute(select(ProcessModelVersion.version, ProcessModelVersion.comment)
                              .where(ProcessModelVersion.model_key == key).order_by(ProcessModelVersion.version)))


def begun(store, admin, key: str):
    """The admin's draft of ``key``, kept (opening the editor alone keeps nothing; the first save does)."""
    return drafts.save_draft(store, admin, key, {})


def test_opening_the_editor_keeps_nothing_until_the_first_save(store, admin):
    opened = drafts.open_draft(store, admin, "appointment")
    store.flush()
    assert opened.base_version == 1 and drafts.draft_of(store, admin, "appointment") is None
    assert drafts.save_draft(store, admin, "appointment", {"note": "begonnen"}).id is not None
    assert drafts.draft_of(store, admin, "appointment").note == "begonnen"


def test_a_draft_begins_from_the_current_version_with_a_diagram_and_is_the_admins_alone(store, admin, other_admin):
    mine = begun(store, admin, "appointment")
    main = drafts.main_file(mine.files, "appointment")
    assert (mine.base_version, main) == (1, "appointment.bpmn")
    assert "BPMNDiagram" in mine.files[main] and 'bpmnElement="lane_papsy"' in mine.files[main]
    assert set(mine.forms) == {"appointment_request", "appointment_review"}
    drafts.save_draft(store, admin, "appointment", {"note": "mijn notitie"})
    theirs = begun(store, other_admin, "appointment")
    assert theirs.id != mine.id and theirs.note is None
    assert [draft.model_key for draft in drafts.drafts_of(store, other_admin)] == ["appointment"]
    assert begun(store, admin, "appointment").note == "mijn notitie"


@pytest.mark.parametrize("email", [OMG_PAPSY])
def test_only_an_admin_has_drafts(store, email):
    someone = user(store, email)
    for attempt in (lambda: drafts.open_draft(store, someone, "appointment"),
                    lambda: drafts.create_model(store, someone, "nieuw_proces", "Nieuw"),
                    lambda: drafts.drafts_of(store, someone)):
        with pytest.raises(NotAllowed):
            attempt()
    assert store.scalar(select(func.count()).select_from(ModelDraft)) == 0


@pytest.mark.parametrize(("body", "part"), [
    ({"files": {"appointment.bpmn": 7}}, "files"),
    ({"files": {"../etc/passwd.bpmn": SOURCE}}, "files"),
    ({"files": {"other.bpmn": SOURCE.replace('id="appointment"', 'id="elders"')}}, "files"),
    ({"files": {"appointment.bpmn": "x" * 2_000_001}}, "files"),
    ({"forms": {"a b": {"schema": {}}}}, "forms"),
    ({"forms": {"ok": {"schema": "not an object"}}}, "forms"),
    ({"scenarios": ["not", "a", "dict"]}, "scenarios"),
    ({"note": "x" * 501}, "note"),
])
def test_a_bad_part_refuses_the_whole_save_and_changes_nothing(store, admin, body, part):
    draft = begun(store, admin, "appointment")
    store.commit()
    before = (dict(draft.files), dict(draft.forms), draft.note)
    with pytest.raises(InvalidData) as refused:
        drafts.save_draft(store, admin, "appointment", {**body, "note": "ook dit niet"} if part != "note" else body)
    assert part in refused.value.errors
    store.rollback()
    store.expire_all()
    kept = drafts.draft_of(store, admin, "appointment")
    assert (kept.files, kept.forms, kept.note) == before


def test_deploying_a_draft_makes_version_2_with_its_comment_and_ends_the_draft(store, admin):
    draft = begun(store, admin, "appointment")
    renamed = draft.files["appointment.bpmn"].replace('name="Aanstelling nakijken"', 'name="Aanstelling controleren"')
    drafts.save_draft(store, admin, "appointment", {"files": {**draft.files, "appointment.bpmn": renamed}})
    with pytest.raises(InvalidData):
        drafts.deploy_draft(store, admin, "appointment", "  ")
    version, is_new = drafts.deploy_draft(store, admin, "appointment", "Stap heet nu controleren")
    store.commit()
    assert (version.version, is_new, version.created_by_id) == (2, True, admin.id)
    assert versions(store) == [(1, None), (2, "Stap heet nu controleren")]
    assert drafts.draft_of(store, admin, "appointment") is None


def test_a_refused_deploy_keeps_the_draft_and_names_each_element(store, admin):
    draft = begun(store, admin, "appointment")
    broken = draft.files["appointment.bpmn"].replace('name="papsy"', 'name="baas"')
    drafts.save_draft(store, admin, "appointment", {"files": {**draft.files, "appointment.bpmn": broken}})
    store.commit()
    with pytest.raises(ModelInvalid) as refused:
        drafts.deploy_draft(store, admin, "appointment", "kapot")
    store.rollback()
    assert {problem.element for problem in refused.value.problems} == {"review_appointment"}
    assert drafts.draft_of(store, admin, "appointment") is not None and versions(store) == [(1, None)]


def test_a_version_deployed_since_the_draft_began_is_said_and_replaced_only_when_asked(store, admin, other_admin):
    begun(store, admin, "appointment")
    theirs = begun(store, other_admin, "appointment")
    changed = theirs.files["appointment.bpmn"].replace('name="Aanstelling indienen"', 'name="Indienen"')
    drafts.save_draft(store, other_admin, "appointment", {"files": {**theirs.files, "appointment.bpmn": changed}})
    drafts.deploy_draft(store, other_admin, "appointment", "van de collega")
    mine = drafts.draft_of(store, admin, "appointment")
    newer = drafts.newer_version(store, mine)
    assert (newer.version, newer.by) == (2, "Tweede Beheerder")
    mine.files = {**mine.files, "appointment.bpmn": mine.files["appointment.bpmn"].replace(
        'name="Aanstelling nakijken"', 'name="Nakijken"')}
    with pytest.raises(Conflict):
        drafts.deploy_draft(store, admin, "appointment", "van mij")
    assert drafts.deploy_draft(store, admin, "appointment", "van mij", replace_newer=True)[0].version == 3


def test_a_new_model_starts_as_a_draft_that_deploys_as_its_version_1(store, admin):
    for key, name in (("Hoofdletters", "x"), ("appointment", "Bestaat al"), ("nieuw_proces", "")):
        with pytest.raises(InvalidData):
            drafts.create_model(store, admin, key, name)
    draft = drafts.create_model(store, admin, "evaluatie_gesprek", "Evaluatiegesprek <b>")
    assert drafts.model_name(store, "evaluatie_gesprek") == "evaluatie_gesprek"
    with pytest.raises(InvalidData):
        drafts.create_model(store, admin, "evaluatie_gesprek", "Nog eens")
    assert drafts.newer_version(store, draft) is None
    version, is_new = drafts.deploy_draft(store, admin, "evaluatie_gesprek", "Eerste versie")
    assert (version.version, is_new, version.start_roles) == (1, True, ["eoc_secretary"])
    assert store.get(ProcessModel, "evaluatie_gesprek").name == "Evaluatiegesprek <b>"


def test_discarding_ends_the_draft_and_keeps_the_versions(store, admin):
    begun(store, admin, "appointment")
    drafts.discard_draft(store, admin, "appointment")
    assert drafts.draft_of(store, admin, "appointment") is None and versions(store) == [(1, None)]
    with pytest.raises(NotFound):
        drafts.discard_draft(store, admin, "appointment")


def test_the_layout_puts_each_step_in_its_lane_and_keeps_a_drawn_diagram():
    laid_out = with_diagram(SOURCE)
    assert with_diagram(laid_out) == laid_out
    from app.modeling.layout import _Box, _bounds  # noqa: PLC0415
    from lxml import etree  # noqa: PLC0415
    root = etree.fromstring(laid_out.encode())
    shapes = {shape.get("bpmnElement"): _bounds(shape) for shape in root.iter("{*}BPMNShape")}
    lane = shapes["lane_papsy"]
    step: _Box = shapes["review_appointment"]
    assert lane.y <= step.y and step.y + step.height <= lane.y + lane.height
    assert root.find(".//{*}BPMNPlane").get("bpmnElement") == "appointment_collaboration"


# The pages and the JSON the modeler page talks to

@pytest.fixture
def admin_client(client, admin):
    login(client, ADMIN)
    return client


def send(client, url: str, body: dict, token: str):
    return client.post(url, data=json.dumps(body), content_type="application/json", headers={"X-CSRFToken": token})


def page_token(client, url: str = "/admin/models/appointment/edit") -> str:
    page = client.get(url)
    assert page.status_code == 200
    return page.get_data(as_text=True).split('data-csrf="')[1].split('"')[0] if "data-csrf" in page.get_data(
        as_text=True) else csrf_token(page.get_data(as_text=True))


def test_the_modeler_page_loads_saves_and_deploys_the_draft_as_json(admin_client, store):
    token = page_token(admin_client)
    loaded = admin_client.get("/admin/models/appointment/draft").get_json()
    assert (loaded["main"], loaded["base_version"], loaded["newer"]) == ("appointment.bpmn", 1, None)
    no_token = admin_client.post("/admin/models/appointment/draft", data=json.dumps({"note": "x"}),
                                 content_type="application/json")
    assert no_token.status_code == 400
    refused = send(admin_client, "/admin/models/appointment/draft", {"forms": {"a b": {}}}, token)
    assert refused.status_code == 422 and "forms" in refused.get_json()["errors"]
    saved = send(admin_client, "/admin/models/appointment/draft", {"note": "bijna klaar"}, token)
    assert saved.status_code == 200 and saved.get_json()["note"] == "bijna klaar"
    broken = loaded["files"]["appointment.bpmn"].replace('name="papsy"', 'name="baas"')
    send(admin_client, "/admin/models/appointment/draft", {"files": {"appointment.bpmn": broken}}, token)
    answer = send(admin_client, "/admin/models/appointment/draft/deploy", {"comment": "kapot"}, token)
    assert answer.status_code == 422
    assert {error["element"] for error in answer.get_json()["errors"]} == {"review_appointment"}
    send(admin_client, "/admin/models/appointment/draft", {"files": loaded["files"]}, token)
    deployed = send(admin_client, "/admin/models/appointment/draft/deploy", {"comment": "met diagram"}, token)
    assert deployed.status_code == 201 and deployed.get_json()["url"] == "/admin/models/appointment"
    assert "Versie 2 is in gebruik." in admin_client.get("/admin/models/appointment").get_data(as_text=True)


def test_a_new_model_page_starts_a_draft_and_refuses_a_bad_key(admin_client):
    page = admin_client.get("/admin/models/new").get_data(as_text=True)
    bad = admin_client.post("/admin/models/new", data={"key": "Slecht!", "name": "x", "csrf_token": csrf_token(page)})
    assert bad.status_code == 400 and "kleine letters" in bad.get_data(as_text=True)
    made = admin_client.post("/admin/models/new", data={"key": "nieuw_proces", "name": "Nieuw",
                                                        "csrf_token": csrf_token(page)})
    assert made.status_code == 303 and made.headers["Location"].endswith("/admin/models/nieuw_proces/edit")
    edit = admin_client.get("/admin/models/nieuw_proces/edit").get_data(as_text=True)
    assert "nieuw_proces" in edit and "noscript" in edit
    assert admin_client.get("/admin/models/unknown/edit").status_code == 404


PREVIEW = "/admin/forms/preview"


def test_the_preview_renders_our_form_widgets_and_escapes_every_text(admin_client):
    token = page_token(admin_client)
    schema = {"title": "<script>alert(1)</script>", "type": "object", "required": ["reden"],
              "properties": {"reden": {"type": "string", "title": "Reden <b>", "enum": ["a", "b"]},
                             "uitleg": {"type": "string", "title": "Uitleg"}}}
    answer = send(admin_client, PREVIEW, {"name": "x", "schema": schema, "ui": {"uitleg": {"ui:widget": "textarea"}}},
                  token)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Reden &lt;b&gt;" in html and "<select" in html and "<textarea" in html and "(verplicht)" in html


@pytest.mark.parametrize("body", [{"schema": {"type": "object", "properties": {"x": {"type": "nope"}}}},
                                  {"schema": "text"}, {}, {"schema": {"type": "object"}, "ui": ["x"]}])
def test_an_invalid_form_preview_is_422_with_a_message(admin_client, body):
    answer = send(admin_client, PREVIEW, body, page_token(admin_client))
    assert answer.status_code == 422 and answer.get_json()["error"]


def test_the_check_runs_on_the_saved_draft_and_names_each_element(admin_client):
    token = page_token(admin_client)
    files = admin_client.get("/admin/models/appointment/draft").get_json()["files"]
    fine = send(admin_client, "/admin/models/appointment/draft/check", {}, token)
    assert fine.status_code == 200 and fine.get_json()["errors"] == [] and fine.get_json()["ok"] is True
    broken = files["appointment.bpmn"].replace('name="papsy"', 'name="baas"')
    send(admin_client, "/admin/models/appointment/draft", {"files": {"appointment.bpmn": broken}}, token)
    refused = send(admin_client, "/admin/models/appointment/draft/check", {}, token).get_json()
    assert refused["ok"] is False and "review_appointment" in {error["element"] for error in refused["errors"]}
