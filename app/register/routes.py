"""The register of facts by third parties (R20): the confidant's list, a new fact, a fact with its measures, its
correction, a measure's proposal; and the entity's anonymous report for its PAPSY and EOC secretary (never its
confidants, who feed it)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import login_steps, policy
from app.db import session
from app.dossiers.services import today
from app.engine.errors import InvalidData
from app.register import choices, facts, measures, report
from app.reports.suppression import min_cell

bp = Blueprint("register", __name__, url_prefix="/register")


@bp.before_request
@login_required
def signed_in():
    """Every page here is for a signed-in user; each route asks the policy what they may do."""


@bp.app_template_global()
def register_choices():
    """The fixed lists, with their words, for the register's templates."""
    return choices


@bp.get("")
def index():
    year = _year_arg()
    rows = facts.own_facts(session(), current_user, year)
    return render_template("register/index.html", facts=rows, year=year,
                           years=[(value, str(value)) for value in facts.years_of(session(), current_user)],
                           measure_counts=facts.measure_counts(session(), [fact.id for fact in rows]))


@bp.get("/new")
def new():
    facts.keeper_or_refuse(session(), current_user)
    return render_template("register/edit.html", fact=None, values={}, errors={})


@bp.post("/new")
def create():
    facts.keeper_or_refuse(session(), current_user)
    given, values, errors = facts.parse_fact(request.form)
    if given is not None:
        try:
            fact = facts.record_fact(session(), current_user, given)
        except InvalidData as exc:
            errors = exc.errors
        else:
            flash(_("Het feit staat in uw register. De beschrijving is versleuteld: alleen u leest ze."), "success")
            return redirect(url_for("register.show", fact_id=fact.id))
    return render_template("register/edit.html", fact=None, values=values, errors=errors), 422


@bp.get("/facts/<id:fact_id>")
def show(fact_id: int):
    private = _private_key_or_login()
    if private is None:
        return redirect(url_for("auth.login"))
    return _fact_page(fact_id, private)


@bp.get("/facts/<id:fact_id>/edit")
def edit(fact_id: int):
    private = _private_key_or_login()
    if private is None:
        return redirect(url_for("auth.login"))
    view = _or_404(lambda: facts.read_fact(session(), current_user, fact_id, private))
    return render_template("register/edit.html", fact=view.fact, values=facts.values_of(view), errors={})


@bp.post("/facts/<id:fact_id>/edit")
def correct(fact_id: int):
    _or_404(lambda: facts.own_fact(session(), current_user, fact_id))
    given, values, errors = facts.parse_fact(request.form)
    if given is not None:
        try:
            facts.correct_fact(session(), current_user, fact_id, given)
        except InvalidData as exc:
            errors = exc.errors
        else:
            flash(_("Het feit is verbeterd."), "success")
            return redirect(url_for("register.show", fact_id=fact_id))
    fact = facts.own_fact(session(), current_user, fact_id)
    return render_template("register/edit.html", fact=fact, values=values, errors=errors), 422


@bp.post("/facts/<id:fact_id>/measures")
def propose(fact_id: int):
    _or_404(lambda: facts.own_fact(session(), current_user, fact_id))
    given, values, errors = measures.parse_measure(request.form)
    if given is not None:
        measures.propose(session(), current_user, fact_id, given)
        flash(_("De maatregel is voorgesteld. Op de datum van opvolging krijgt u een taak om het resultaat te "
                "noteren."), "success")
        return redirect(url_for("register.show", fact_id=fact_id, _anchor="measures-title"))
    private = _private_key_or_login()
    if private is None:
        return redirect(url_for("auth.login"))
    session().rollback()
    return _fact_page(fact_id, private, values, errors), 422


@bp.get("/report")
def overview():
    if not policy.can_view_register_report(current_user):
        abort(403)
    entities = report.entities_for(session(), policy.register_report_entity_ids(session(), current_user))
    if not entities:
        abort(403)
    code = request.args.get("entity", "")
    entity = next((e for e in entities if e.code == code), entities[0])
    day = today()
    years = report.years_for(session(), entity.id, day)
    year = report.year_to_show(years, _year_arg(), day)
    shown = report.report_for(session(), entity, year, min_cell(current_app.config), day)
    measure_rows = report.measures_of(session(), current_user, entity.id, year) \
        if shown.published and policy.can_read_entity_measures(current_user, entity.id) else None
    return render_template("register/report.html", report=shown, entities=entities, measure_rows=measure_rows,
                           entity_options=[(e.code, e.name) for e in entities],
                           year_options=[(value, str(value)) for value in years])


def _fact_page(fact_id: int, private: bytes, values: dict | None = None, errors: dict | None = None):
    view = _or_404(lambda: facts.read_fact(session(), current_user, fact_id, private))
    return render_template("register/show.html", view=view, fact=view.fact, values=values or {},
                           errors=errors or {})


def _year_arg() -> int | None:
    year = request.args.get("year", type=int)
    return year if year is not None and 2000 <= year <= 2100 else None


def _private_key_or_login() -> bytes | None:
    if not policy.can_read_register_texts(current_user):
        abort(403)
    private = login_steps.private_key()
    if private is None:
        flash(_("Meld u opnieuw aan om uw register te openen: uw sleutel is enkel geldig tijdens uw sessie."), "info")
    return private


def _or_404(call):
    try:
        return call()
    except LookupError:
        abort(404)
