"""Admin pages of bulk migration: choose the instances of one version (by the instance list's filters) and the
version to move them to, see the dry run's report, then move them for real; each run's page shows its progress as
an RQ job works through it (app/modeling/migrations.py)."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.admin.routes import bp
from app.db import session
from app.engine import registry
from app.engine.errors import Conflict, InvalidData
from app.engine.migration import reason_text
from app.models import Entity
from app.modeling import migration_report, migrations
from app.modeling.versions import versions_of

FIELDS = ("from_version", "to_version", *migrations.RUN_FILTERS)


# ``reasons|map('migration_reason')``: why an instance did not move, in the reader's language
bp.add_app_template_filter(reason_text, "migration_reason")


@bp.route("/models/<key>/migrations/new", methods=["GET", "POST"])
def new_migration(key: str):
    """The choice (prefilled from the link's query: the instance list's filters), then the dry run."""
    listed = versions_of(session(), current_user, key)
    given = request.form if request.method == "POST" else request.args
    values = {name: given.get(name, "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            run = migrations.start(session(), current_user, key, _body(values))
        except InvalidData as refused:
            session().rollback()
            errors = {name: str(message) for name, message in refused.errors.items()}
        else:
            return redirect(url_for("admin.migration", run_id=run.id))
    entities = session().execute(select(Entity.code, Entity.name).order_by(Entity.name)).all()
    return render_template("admin/migration_new.html", key=key, versions=listed, values=values, errors=errors,
                           entities=entities), 422 if errors else 200


@bp.get("/migrations/<id:run_id>")
def migration(run_id: int):
    page = request.args.get("page", "1")
    report = migration_report.report(session(), current_user, run_id,
                                     int(page) if page.isdigit() and 0 < len(page) < 7 and int(page) > 0 else 1)
    current = registry.current_version(session(), report.run.model_key)
    return render_template("admin/migration.html", report=report, run=report.run, current=current)


@bp.get("/migrations/<id:run_id>/progress")
def migration_progress(run_id: int):
    """The run's numbers for the page's own poll (app/static/migration_progress.js)."""
    return jsonify(migration_report.progress(session(), current_user, run_id).as_json())


@bp.post("/migrations/<id:run_id>/run")
def run_migration(run_id: int):
    """After a finished dry run: the same instances, for real."""
    try:
        run = migrations.run_for_real(session(), current_user, run_id)
    except (Conflict, InvalidData) as refused:
        session().rollback()
        flash(str(refused.message), "error")
        return redirect(url_for("admin.migration", run_id=run_id))
    flash(_("De processen verhuizen nu; hieronder ziet u hoe het gaat."), "success")
    return redirect(url_for("admin.migration", run_id=run.id))


def _body(values: dict[str, str]) -> dict:
    filters = {name: values[name] for name in migrations.RUN_FILTERS if values[name]}
    return {"from_version": _number(values["from_version"]), "to_version": _number(values["to_version"]),
            "dry_run": True, "filters": filters or None}


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 8 else None
