"""JSON API v1: process models, instances, tasks and the roster. Thin: every rule is in the services."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from app.auth import policy
from app.auth.accounts import user_for_token
from app.db import session
from app.engine import registry
from app.engine.errors import InvalidData, NotFound
from app.models import ConfidantStatus, Entity
from app.roster import services as roster
from app.workflow import services
from app.api import serializers as out
from app.api.openapi import OPENAPI

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


@bp.get("/process-instances/<int:instance_id>")
def get_instance(instance_id: int):
    instance = services.instance_for(session(), g.api_user, instance_id)
    return jsonify(out.instance(session(), instance))


@bp.get("/tasks")
def tasks():
    return jsonify({"tasks": [out.task(t) for t in services.inbox(session(), g.api_user)]})


@bp.get("/tasks/<int:task_id>")
def get_task(task_id: int):
    task = services.task_for(session(), g.api_user, task_id)
    form = services.form_of(task.instance.model_version, task.form_name) if task.form_name else None
    return jsonify({**out.task(task), "form": form.schema if form else None})


@bp.post("/tasks/<int:task_id>/complete")
def complete_task(task_id: int):
    instance = services.complete_task(session(), g.api_user, task_id, _data(_json_body()))
    return jsonify(out.instance(session(), instance))


@bp.get("/confidants")
def confidants():
    status = request.args.get("status")
    if status is not None and status not in ConfidantStatus._value2member_map_:
        raise InvalidData({"status": "Kies active, inactive of former."})
    entity_code = request.args.get("entity")
    entity = session().scalar(select(Entity).where(Entity.code == entity_code)) if entity_code else None
    if entity_code and entity is None:
        raise InvalidData({"entity": "Onbekende entiteit."})
    if not policy.can_view_roster(g.api_user):
        return jsonify({"error": "Geen toegang."}), 403
    rows = roster.roster(session(), ConfidantStatus(status) if status else None, entity.id if entity else None)
    return jsonify({"confidants": [out.confidant(c) for c in rows]})


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidData({"": "De body moet een JSON-object zijn."})
    return body


def _data(body: dict) -> dict:
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise InvalidData({"data": "data moet een JSON-object zijn."})
    return data
