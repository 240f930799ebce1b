"""Admin pages for one process model: its versions (who deployed each, when and why), their files to download,
and what changed between two of them."""
from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from app.admin.routes import bp
from app.db import session
from app.modeling import drafts, versions
from app.modeling.diff import diff_versions


@bp.get("/models/<key>")
def model(key: str):
    listed = versions.versions_of(session(), current_user, key)
    by_number = {version.version: version for version in listed}
    pair = _chosen(by_number)
    difference = diff_versions(by_number[pair[0]], by_number[pair[1]]) if pair else None
    choices = [(str(number), str(number)) for number in sorted(by_number)]
    return render_template("admin/model.html", key=key, versions=listed, pair=pair, difference=difference,
                           choices=choices, draft=drafts.draft_of(session(), current_user, key))


@bp.get("/models/<key>/versions/<int:number>/files/<name>")
def model_file(key: str, number: int, name: str):
    version = next((row for row in versions.versions_of(session(), current_user, key) if row.version == number), None)
    if version is None or name not in version.bpmn_files:
        abort(404)
    response = Response(version.bpmn_files[name], mimetype="application/xml")
    safe_name = "".join(char for char in name if char.isalnum() or char in "._-") or "model.bpmn"
    response.headers["Content-Disposition"] = f'attachment; filename="{key}-v{number}-{safe_name}"'
    return response


def _chosen(by_number: dict) -> tuple[int, int] | None:
    """The two versions to compare (?from=A&to=B), by default the newest and the one before it."""
    numbers = sorted(by_number)
    default = (numbers[-2], numbers[-1]) if len(numbers) > 1 else None
    try:
        pair = int(request.args.get("from", "")), int(request.args.get("to", ""))
    except ValueError:
        return default
    return pair if all(number in by_number for number in pair) else default
