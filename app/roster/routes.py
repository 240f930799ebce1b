"""The roster pages for signed-in users: the list (for the GDPB all appointed confidants, R15), its CSV export,
and a confidant's own published details (R14)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import policy
from app.db import session
from app.engine.errors import InvalidData, NotAllowed
from app.models import ConfidantStatus
from app.roster import full_list, own_details, services
from app.ui import local_today

bp = Blueprint("roster", __name__, url_prefix="/roster")
ALL = services.ALL
FILE_WORDS = {"active": "actief", "inactive": "tijdelijk-inactief", "former": "voormalig"}  # the export's file name


@bp.get("/")
@login_required
def index():
    if not policy.can_view_roster(current_user):
        abort(403)
    status = request.args.get("status", ConfidantStatus.ACTIVE.value)
    entity = request.args.get("entity")
    try:
        roster = services.visible_roster(session(), current_user, status, entity)
    except (InvalidData, NotAllowed) as exc:
        return _page(None, {"status": status, "entity": entity}, exc), exc.status
    return _page(roster, {"status": ALL if roster.status is None else roster.status, "entity": entity})


@bp.get("/export.csv")
@login_required
def export():
    """What the list shows with the same filters, for a spreadsheet; a refused filter is the page's refusal."""
    if not policy.can_view_roster(current_user):
        abort(403)
    status = request.args.get("status", ConfidantStatus.ACTIVE.value)
    try:
        roster = services.visible_roster(session(), current_user, status, request.args.get("entity"))
    except (InvalidData, NotAllowed) as exc:
        return _page(None, {"status": status, "entity": request.args.get("entity")}, exc), exc.status
    rows = full_list.listed(session(), roster, current_user, local_today())
    name = "vertrouwenspersonen-" + FILE_WORDS.get(roster.status, "alle")
    return Response(full_list.csv_text(rows, policy.can_view_full_roster(current_user)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@bp.route("/mine", methods=["GET", "POST"])
@login_required
def mine():
    """The confidant's own phone number and work location on the published list."""
    try:
        confidant = own_details.own_entry(session(), current_user)
    except NotAllowed as exc:
        abort(403, description=str(exc.message))
    errors, values = {}, {"phone": confidant.phone or "", "work_location": confidant.work_location or ""}
    if request.method == "POST":
        try:
            own_details.update_published_details(session(), current_user, request.form.to_dict())
        except InvalidData as exc:
            session().rollback()
            return render_template("roster/mine.html", confidant=confidant, errors=exc.errors,
                                   values=request.form.to_dict()), 422
        flash(_("Uw gegevens op de lijst zijn bewaard."), "success")
        return redirect(url_for("roster.mine"), 303)
    return render_template("roster/mine.html", confidant=confidant, errors=errors, values=values)


def _page(roster: services.Roster | None, asked: dict, refusal: InvalidData | NotAllowed | None = None):
    errors = getattr(refusal, "errors", {}) if refusal else {}
    message = None if refusal is None or errors else str(refusal.message)
    rows = full_list.listed(session(), roster, current_user, local_today()) if roster else []
    return render_template("roster/index.html", roster=roster, rows=rows, asked=asked, errors=errors,
                           refusal=message, statuses=policy.roster_statuses_for(current_user),
                           entities=services.entity_choices(session()), today=local_today())
