"""The admin's modeler: the editor page of a process model's draft, a new model, the JSON the page loads and saves,
the checks, the deploy, and the preview of a form by our own renderer (what users will get)."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.routes import bp
from app.db import session
from app.engine.errors import EngineError, InvalidData, ModelInvalid
from app.forms import FormDefinition, FormError
from app.modeling import drafts
from app.modeling.checks import check_submission
from app.admin.modeler_page import draft_json, page_settings


@bp.route("/models/new", methods=["GET", "POST"])
def new_model():
    if request.method == "GET":
        return render_template("admin/new_model.html", values={}, errors={})
    values = {name: request.form.get(name, "") for name in ("key", "name")}
    try:
        drafts.create_model(session(), current_user, values["key"], values["name"])
    except InvalidData as refused:
        return render_template("admin/new_model.html", values=values, errors=refused.errors), 400
    return redirect(url_for("admin.edit_model", key=values["key"].strip()), 303)


@bp.get("/models/<key>/edit")
def edit_model(key: str):
    draft = drafts.open_draft(session(), current_user, key)
    return render_template("admin/modeler.html", key=key, draft=draft, name=drafts.model_name(session(), key),
                           newer=drafts.newer_version(session(), draft), settings=page_settings(key, draft))


@bp.get("/models/<key>/draft")
def load_draft(key: str):
    return _answer(lambda: draft_json(session(), drafts.open_draft(session(), current_user, key)))


@bp.post("/models/<key>/draft")
def save_draft(key: str):
    return _answer(lambda: draft_json(session(), drafts.save_draft(session(), current_user, key, _body())))


@bp.post("/models/<key>/draft/check")
def check_draft(key: str):
    """The checks of a deploy, and the model's scenarios, run on the saved draft; nothing is kept."""
    def check():
        draft = drafts.open_draft(session(), current_user, key)
        report = check_submission(session(), current_user, key, drafts.submission(draft))
        return {**report.as_json(), "ok": report.ok}

    return _answer(check)


@bp.post("/models/<key>/draft/deploy")
def deploy_draft(key: str):
    body = _body()

    def deploy():
        version, is_new = drafts.deploy_draft(session(), current_user, key, body.get("comment"),
                                              replace_newer=body.get("replace_newer") is True)
        message = _("Versie %(version)d is in gebruik.", version=version.version) if is_new else \
            _("Niets veranderd: versie %(version)d blijft in gebruik.", version=version.version)
        flash(message, "success")  # said on the model's page, where the page goes next
        return {"version": version.version, "new": is_new, "message": message,
                "url": url_for("admin.model", key=key)}, 201 if is_new else 200

    return _answer(deploy)


@bp.post("/models/<key>/draft/discard")
def discard_draft(key: str):
    def discard():
        drafts.discard_draft(session(), current_user, key)
        flash(_("Het ontwerp is weggegooid; de versies blijven zoals ze waren."), "success")
        known = drafts.model_exists(session(), key)
        return {"url": url_for("admin.model", key=key) if known else url_for("admin.index")}

    return _answer(discard)


@bp.post("/forms/preview")
def preview_form():
    """The form as users will see it, from the schema and UI schema being edited; nothing is kept."""
    body = _body()
    name = body.get("name") if isinstance(body.get("name"), str) else "preview"
    try:
        form = FormDefinition.from_dicts(name[:100], body.get("schema"), body.get("ui"))
    except FormError as exc:
        return jsonify({"error": str(exc)}), 422
    return render_template("admin/form_preview.html", form=form)


def _body() -> dict:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON parser goes
        body = None
    return body if isinstance(body, dict) else {}


def _answer(work):
    """Run ``work`` and answer its JSON; a refusal as JSON too, with its status (the page shows the message)."""
    try:
        result = work()
    except ModelInvalid as refused:
        session().rollback()
        errors = [{"element": getattr(problem, "element", None), "message": str(problem)} for problem in refused.problems]
        return jsonify({"error": _("Het model is niet in orde."), "errors": errors}), 422
    except EngineError as refused:
        session().rollback()
        body = {"error": str(refused.message)}
        if isinstance(refused, InvalidData):
            body["errors"] = refused.errors
        return jsonify(body), refused.status
    body, status = result if isinstance(result, tuple) else (result, 200)
    return jsonify(body), status
