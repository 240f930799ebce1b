"""JSON API v1: process models, instances, tasks and the roster. Thin: every rule is in the services."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app.api import serializers as out
from app.api.openapi import OPENAPI
from app.auth import policy
from app.auth.accounts import user_for_token
from app.db import session
from app.engine import registry
from app.engine.errors import InvalidData, NotFound
from app.modeling import checks, migrations
from app.modeling import versions as modeling
from app.roster import full_list
from app.roster import services as roster
from app.ui import local_today
from app.workflow import claims, inbox, instance_admin, instance_list, instances, services

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def authenticate_bearer():
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = user_for_token(session(), token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        response = jsonify({"error": "Een geldig API-token is nodig (Authorization: Bearer <token>)."})
        response.headers["WWW-Authenticate"] = 'Bearer realm="vertrouwd"'
        return response, 401
    g.api_user = user
    return None


@bp.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


@bp.get("/process-models")
def process_models():
    models = [out.process_model(services.start_form, m.current_version)
              for m in registry.list_models(session()) if m.current_version]
    return jsonify({"process_models": models})


@bp.get("/process-models/<key>/versions")
def model_versions(key: str):
    versions = modeling.versions_of(session(), g.api_user, key)
    current = versions[0].model.current_version_id if versions else None
    return jsonify({"versions": [out.model_version(version, version.id == current) for version in versions]})


@bp.post("/process-models/<key>/versions")
def deploy_model_version(key: str):
    version, created = modeling.deploy_submitted(session(), g.api_user, key, _json_body())
    return jsonify(out.model_version(version, True)), 201 if created else 200


@bp.post("/process-models/<key>/checks")
def check_model_version(key: str):
    return jsonify(checks.check_submission(session(), g.api_user, key, _json_body()).as_json())


@bp.post("/process-models/<key>/migrations")
def start_migration(key: str):
    run = migrations.start(session(), g.api_user, key, _json_body())
    return jsonify(out.migration_run(*migrations.progress(session(), g.api_user, run.id))), 202


@bp.get("/migrations/<id:run_id>")
def migration(run_id: int):
    return jsonify(out.migration_run(*migrations.progress(session(), g.api_user, run_id)))


@bp.post("/process-instances")
def start_instance():
    body = _json_body()
    model_key = body.get("model")
    if not isinstance(model_key, str) or not model_key:
        raise InvalidData({"model": "Geef het proces (model) op."})
    try:
        registry.current_version(session(), model_key)
    except NotFound:
        raise InvalidData({"model": "Onbekend proces."}) from None
    entity = services.find_entity(session(), body.get("entity") if isinstance(body.get("entity"), str) else None)
    instance = services.start_process(session(), g.api_user, model_key, entity, _data(body))
    return jsonify(out.instance(session(), instance)), 201


@bp.get("/process-instances")
def list_instances():
    page = instance_list.list_instances(session(), g.api_user, request.args, api=True)
    items = [out.instance_status(row) if row.id in page.status_only else out.instance_summary(row) for row in page.rows]
    return jsonify({"items": items, "total": page.total, "page": page.filters.page,
                    "per_page": page.filters.per_page})


@bp.get("/process-instances/<id:instance_id>")
def get_instance(instance_id: int):
    instance, access = instances.instance_for(session(), g.api_user, instance_id)
    if access is not policy.InstanceAccess.FULL:
        return jsonify(out.instance_status(instance))
    return jsonify(out.instance(session(), instance))


@bp.post("/process-instances/<id:instance_id>/suspend")
def suspend_instance(instance_id: int):
    return jsonify(out.instance_status(instance_admin.suspend(session(), g.api_user, instance_id)))


@bp.post("/process-instances/<id:instance_id>/resume")
def resume_instance(instance_id: int):
    return jsonify(out.instance_status(instance_admin.resume(session(), g.api_user, instance_id)))


@bp.post("/process-instances/<id:instance_id>/terminate")
def terminate_instance(instance_id: int):
    reason = _json_body().get("reason")
    return jsonify(out.instance_status(instance_admin.terminate(session(), g.api_user, instance_id, reason)))


@bp.post("/process-instances/<id:instance_id>/migrate")
def migrate_instance(instance_id: int):
    return jsonify(out.migration_plan(instance_admin.migrate(session(), g.api_user, instance_id, _json_body())))


@bp.get("/tasks")
def tasks():
    page = inbox.inbox_page(session(), g.api_user, inbox.InboxQuery.from_args(request.args))
    return jsonify({"items": [out.inbox_task(t) for t in page.tasks], "total": page.total, "page": page.query.page,
                    "per_page": page.query.per_page})


@bp.get("/tasks/<id:task_id>")
def get_task(task_id: int):
    task = services.task_for(session(), g.api_user, task_id)
    form = services.form_of(task.instance.model_version, task.form_name) if task.form_name else None
    return jsonify({**out.task(task), "form": form.schema if form else None})


@bp.post("/tasks/<id:task_id>/complete")
def complete_task(task_id: int):
    instance = services.complete_task(session(), g.api_user, task_id, _data(_json_body()))
    return jsonify(out.instance(session(), instance))


@bp.post("/tasks/<id:task_id>/claim")
def claim_task(task_id: int):
    return jsonify(out.task(claims.claim(session(), g.api_user, task_id)))


@bp.post("/tasks/<id:task_id>/release")
def release_task(task_id: int):
    return jsonify(out.task(claims.release(session(), g.api_user, task_id)))


@bp.post("/tasks/<id:task_id>/assign")
def assign_task(task_id: int):
    return jsonify(out.task(claims.assign(session(), g.api_user, task_id, _json_body().get("user"))))


@bp.get("/confidants")
def confidants():
    visible = roster.visible_roster(session(), g.api_user, request.args.get("status"), request.args.get("entity"))
    rows = full_list.listed(session(), visible, g.api_user, local_today())
    return jsonify({"confidants": [out.confidant(row) for row in rows]})


def _json_body() -> dict:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON parser goes
        body = None
    if not isinstance(body, dict):
        raise InvalidData({"": "De body moet een JSON-object zijn."})
    return body


def _data(body: dict) -> dict:
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise InvalidData({"data": "data moet een JSON-object zijn."})
    return data


from app.api import intervision_compliance, intervision_groups  # noqa: E402,F401 (their routes join bp)
from app.api import reports  # noqa: E402,F401 (its route joins bp)
