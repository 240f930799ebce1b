"""The PAPSY's retention pages (M27): the closed dossiers of their entities nearing their shredding, and a dossier's
legal hold (set with a reason, lifted). Nothing here opens a dossier's content."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth import policy
from app.db import session
from app.models import Entity, User
from app.retention import holds, overview, services
from app.retention.holds import NoSuchDossier
from app.retention.services import RetentionRefused
from app.ui import local_today

bp = Blueprint("retention", __name__, url_prefix="/retention")


@bp.before_request
@login_required
def only_papsy():
    if not policy.can_oversee_retention(current_user):
        abort(403)


@bp.get("")
def index():
    horizon, error = overview.parse_horizon(request.args.get("horizon"))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    rows, total = overview.page_for(session(), current_user, horizon, local_today(), page)
    return render_template("retention/index.html", rows=rows, total=total, page=page, horizon=horizon,
                           horizons=[(key, str(label)) for key, label in overview.HORIZON_LABELS.items()],
                           error=error, page_size=overview.PAGE_SIZE, years=services.retention_years(),
                           notice_days=services.NOTICE_DAYS), 422 if error else 200


@bp.get("/dossiers/<id:dossier_id>")
def dossier(dossier_id: int):
    return _dossier_page(dossier_id)


@bp.post("/dossiers/<id:dossier_id>/hold")
def hold(dossier_id: int):
    reason = request.form.get("reason", "")
    try:
        holds.set_hold(session(), current_user, dossier_id, reason)
    except NoSuchDossier:
        abort(404)
    except RetentionRefused as exc:
        session().rollback()
        return _dossier_page(dossier_id, reason=reason[:holds.REASON_MAX * 2], error=str(exc.message)), 422
    flash(_("De bewaring is opgelegd: dit dossier wordt niet vernietigd tot ze opgeheven wordt."), "success")
    return redirect(url_for("retention.dossier", dossier_id=dossier_id))


@bp.post("/dossiers/<id:dossier_id>/lift")
def lift(dossier_id: int):
    try:
        holds.lift_hold(session(), current_user, dossier_id)
    except NoSuchDossier:
        abort(404)
    except RetentionRefused as exc:
        session().rollback()
        flash(str(exc.message), "error")
    else:
        flash(_("De bewaring is opgeheven: de dagelijkse vernietiging neemt dit dossier weer op, nooit vroeger dan "
                "%(days)s dagen na de verwittiging van de vertrouwenspersoon.", days=services.NOTICE_DAYS), "success")
    return redirect(url_for("retention.dossier", dossier_id=dossier_id))


def _dossier_page(dossier_id: int, reason: str = "", error: str | None = None) -> str:
    try:
        dossier = holds.dossier_for(session(), current_user, dossier_id)
    except NoSuchDossier:
        abort(404)
    history = holds.history(session(), dossier.id)
    ids = {hold.set_by_id for hold in history} | {hold.lifted_by_id for hold in history}
    people = {user.id: user.name for user in session().scalars(select(User).where(User.id.in_(ids)))}
    return render_template("retention/dossier.html", dossier=dossier, entity=session().get(Entity, dossier.entity_id),
                           retention=services.view_of(session(), dossier, local_today()), history=history,
                           people=people, reason=reason, error=error, reason_min=holds.REASON_MIN,
                           reason_max=holds.REASON_MAX, notice_days=services.NOTICE_DAYS)
