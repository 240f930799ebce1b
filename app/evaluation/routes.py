"""The evaluation pages (R18): the list of evaluations, one evaluation as a page and as a PDF, an admin's
regeneration, and a conversation about the role. Who sees what is the policy's (app/auth/reporting_policy.py)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import login_steps, policy
from app.db import session
from app.evaluation import conversation, pages, services
from app.evaluation.services import EvaluationRefused
from app.reports.pdf import render_pdf

bp = Blueprint("evaluation", __name__, url_prefix="/evaluations")


@bp.before_request
@login_required
def signed_in():
    """Each page asks the policy itself: the conversation page is also its confidant's."""


@bp.get("")
def index():
    if not policy.can_open_evaluations(current_user):
        abort(403)
    return render_template("evaluation/index.html", rows=services.listed(session(), current_user),
                           admin=policy.can_regenerate_evaluations(current_user))


@bp.get("/<code>/<id:year>")
def show(code: str, year: int):
    return render_template("evaluation/show.html", page=_page(code, year))


@bp.get("/<code>/<id:year>.pdf")
def pdf(code: str, year: int):
    page = _page(code, year)
    document = render_pdf(render_template("evaluation/pdf.html", page=page))
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="evaluatie-{page.code}-{page.year}.pdf"'})


@bp.post("/<code>/<id:year>/regenerate")
def regenerate(code: str, year: int):
    if not policy.can_regenerate_evaluations(current_user):
        abort(403)
    entity = services.entity_by_code(session(), code)
    if entity is None:
        abort(404)
    try:
        services.regenerate(session(), current_user, entity.id, year)
    except EvaluationRefused as exc:
        session().rollback()
        flash(str(exc.message), "error")
    else:
        session().commit()
        flash(_("De evaluatie van %(entity)s voor %(year)s werd opnieuw gemaakt.", entity=entity.name, year=year),
              "success")
    return redirect(url_for("evaluation.index"))


@bp.get("/conversations/<id:conversation_id>")
def conversation_page(conversation_id: int):
    view = conversation.view_for(session(), current_user, conversation_id, login_steps.private_key())
    if view is None:
        abort(404)
    session().commit()  # the audit entry of the notes read
    return render_template("evaluation/conversation.html", view=view, outcomes=pages.OUTCOMES)


def _page(code: str, year: int) -> pages.EvaluationPage:
    entity = services.entity_by_code(session(), code)
    if entity is None:
        abort(404)
    if not policy.can_view_evaluation(current_user, entity.id):
        abort(403)
    evaluation = services.for_reader(session(), current_user, entity.id, year)
    if evaluation is None:
        abort(404)
    return pages.page_for(session(), current_user, evaluation)
