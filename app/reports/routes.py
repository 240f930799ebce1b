"""The reports' pages (R7): the report of a year (or quarter) for the network or an entity, and its CSV and PDF."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth import policy
from app.db import session
from app.models import Entity
from app.reports import exports, selection, services, views
from app.reports.suppression import min_cell
from app.ui import local_today

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.before_request
@login_required
def only_readers():
    if not policy.can_view_reports(current_user):
        abort(403)


def _report() -> views.Report:
    chosen = selection.choose(session(), current_user, request.args, local_today(), min_cell(current_app.config))
    names = {code: name for code, name in session().execute(select(Entity.code, Entity.name))}
    return views.build(session(), chosen, local_today(), names)


@bp.get("/")
def index():
    report = _report()
    chosen = report.selection
    return render_template(
        "reports/index.html", report=report, period_name=views.period_name, scope_name=views.scope_name,
        year_options=[(year, str(year)) for year in chosen.years],
        quarter_options=[(quarter, _("Kwartaal %(quarter)s", quarter=quarter)) for quarter in chosen.result.quarters]
        if services.quarter_tables_shown(chosen.result) else [],
        entity_options=[(entity.code, entity.name) for entity in chosen.entities])


@bp.get("/export.csv")
def export_csv():
    report = _report()
    return Response(exports.csv_text(report), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{exports.file_name(report)}.csv"'})


@bp.get("/export.pdf")
def export_pdf():
    report = _report()
    html = render_template("reports/print.html", report=report, period_name=views.period_name,
                           scope_name=views.scope_name)
    return Response(exports.pdf_bytes(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{exports.file_name(report)}.pdf"'})
