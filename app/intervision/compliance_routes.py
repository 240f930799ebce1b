"""The compliance view per entity and year (R11, R12, R13 for R18) and its CSV export: PAPSY for their entities,
an EOC secretary for their own entity; nobody else (admins neither)."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from app.db import session
from app.intervision import compliance, compliance_export
from app.ui import local_today

bp = Blueprint("intervision_compliance", __name__)
YEARS_SHOWN = 10  # the year selector: next year and the nine before this one


@bp.get("/compliance")
@login_required
def index():
    user = current_user._get_current_object()
    scope = compliance.entities_in_scope(session(), user)
    if not scope:
        abort(403)
    entity = compliance.choose_entity(user, scope, request.args.get("entity"))
    try:
        year = compliance.parse_year(request.args.get("year"), compliance.this_year())
    except compliance.BadRequest as exc:
        return _page(None, scope, entity, request.args.get("year", ""), {"year": exc.message}), 400
    return _page(compliance.entity_compliance(session(), entity, year, local_today()), scope, entity, year)


@bp.get("/compliance.csv")
@login_required
def export():
    user = current_user._get_current_object()
    scope = compliance.entities_in_scope(session(), user)
    if not scope:
        abort(403)
    entity = compliance.choose_entity(user, scope, request.args.get("entity"))
    year = compliance.parse_year(request.args.get("year"), compliance.this_year())
    report = compliance.entity_compliance(session(), entity, year, local_today())
    name = re.sub(r"[^A-Za-z0-9_-]", "", entity.code) or "entiteit"
    return Response(compliance_export.csv_text(report), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="intervisie-{name}-{year}.csv"'})


def _page(report, scope, entity, year, errors=None):
    this_year = compliance.this_year()
    years = list(range(this_year + 1, this_year + 1 - YEARS_SHOWN, -1))
    if isinstance(year, int) and year not in years:
        years.append(year)
    return render_template("intervision/compliance.html", report=report, scope=scope, entity=entity, year=year,
                           years=[(value, value) for value in years], errors=errors or {}, words=compliance_export,
                           this_year=this_year)
