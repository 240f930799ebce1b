"""Pages of laying down the role (R19): the confidant's own page ("Ik leg mijn rol neer") and its hand-over page, the
EOC secretary's removal, and the role endings the PAPSY, the EOC secretary and the admins follow. Thin: the rules
are in resignation.py and handover.py, who may what in the policy."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import model_texts
from app.auth import login_steps, policy
from app.db import session
from app.dossiers import listing
from app.dossiers.services import FACT_FIELDS, NotYours
from app.engine.errors import InvalidData, NotAllowed, NotFound
from app.forms import load_form
from app.forms.fields import token
from app.lifecycle import handover, resignation
from app.models import User
from app.models.lifecycle import EndingState
from app.ui import format_date

bp = Blueprint("resignation", __name__, url_prefix="/role-endings")


@bp.before_request
@login_required
def _signed_in():
    return None


@bp.get("")
def index():
    if not policy.can_view_role_endings(current_user):
        if policy.can_lay_down_role(current_user):
            return redirect(url_for(".mine"))
        abort(403)
    running, others = resignation.endings_for(session(), current_user)
    return render_template("lifecycle/role_endings.html", running=running, others=others,
                           may_remove=bool(resignation.removable(session(), current_user)),
                           holds_dossiers=not policy.can_keep_dossiers(current_user)
                           and policy.has_dossier_list(session(), current_user))


@bp.get("/mine")
def mine():
    return _mine_page()


@bp.post("/mine")
def start():
    _only_confidants()
    effective_on, errors = _date("effective_on")
    try:
        if errors:
            raise InvalidData(errors)
        ending = resignation.start_resignation(session(), current_user, effective_on)
    except InvalidData as refused:
        session().rollback()
        return _mine_page(refused)
    if ending.state == EndingState.EFFECTIVE:  # from today: ended at once
        flash(_("Uw rol is vandaag beëindigd. De PAPSY en de EOC-secretaris zijn op de hoogte gebracht."), "success")
    else:
        flash(_("U legt uw rol neer op %(date)s. De PAPSY en de EOC-secretaris zijn op de hoogte gebracht.",
                date=_written(ending.effective_on)), "success")
    return redirect(url_for(".mine"))


@bp.get("/mine/dossiers")
def dossiers():
    return _dossiers_page()


@bp.post("/mine/dossiers/<id:dossier_id>/hand-over")
def hand_over(dossier_id: int):
    _only_confidants()
    private = login_steps.private_key()
    if private is None:
        flash(_("Meld u opnieuw aan om dossiers over te dragen: uw sleutel is enkel geldig tijdens uw sessie."), "info")
        return redirect(url_for("auth.login"))
    consent_on, errors = _date("consent_on")
    receiver = _form_id(request.form.get("receiver"))
    try:
        if errors:
            raise InvalidData(errors)
        share = handover.hand_over(session(), current_user, private, dossier_id, receiver, consent_on,
                                   request.form.get("consent_way") or None)
    except NotYours:
        abort(404)
    except NotAllowed:
        abort(403)
    except InvalidData as refused:
        session().rollback()
        return _dossiers_page(refused, dossier_id)
    flash(_("Dossier %(number)s is overgedragen aan %(name)s.", number=dossier_id,
            name=session().get(User, share.to_user_id).name), "success")
    return redirect(url_for(".dossiers"))


@bp.get("/removal")
def removal():
    return _removal_page()


@bp.post("/removal")
def start_removal():
    _only_secretaries()
    effective_on, errors = _date("effective_on")
    agreed_on, agreed_errors = _date("representatives_agreed_on")
    errors.update(agreed_errors)
    try:
        if errors:
            raise InvalidData(errors)
        ending = resignation.start_removal(session(), current_user, _form_id(request.form.get("confidant")),
                                           effective_on, agreed_on)
    except (InvalidData, NotAllowed) as refused:
        session().rollback()
        return _removal_page(refused)
    if ending.state == EndingState.REFUSED:  # kept as refused: a 200 lets the request commit it; the page says why
        return _removal_page(InvalidData({}, str(resignation.INSPECTION_ADVICE)), status=200)
    if ending.state == EndingState.EFFECTIVE:  # from today: ended at once
        flash(_("De rol van %(name)s is vandaag beëindigd. De vertrouwenspersoon en de PAPSY zijn op de hoogte "
                "gebracht.", name=ending.confidant.name), "success")
    else:
        flash(_("De ontheffing van %(name)s is gestart; de rol eindigt op %(date)s. De vertrouwenspersoon en de PAPSY "
                "zijn op de hoogte gebracht.", name=ending.confidant.name, date=_written(ending.effective_on)),
              "success")
    return redirect(url_for(".index"))


@bp.post("/<id:ending_id>/withdraw")
def withdraw(ending_id: int):
    try:
        ending = resignation.withdraw(session(), current_user, ending_id)
    except NotFound:
        abort(404)
    except NotAllowed:
        abort(403)
    except InvalidData as refused:
        session().rollback()
        flash(str(refused.message), "error")
        return redirect(url_for(".mine" if policy.can_lay_down_role(current_user) else ".index"))
    flash(_("De beëindiging van de rol van %(name)s is ingetrokken.", name=ending.confidant.name), "success")
    return redirect(url_for(".mine" if ending.kind == "resignation" else ".index"))


# Pages

def _mine_page(refused: InvalidData | None = None):
    _only_confidants()
    status = resignation.own_status(session(), current_user)
    return render_template("lifecycle/resignation_mine.html", status=status, today=resignation.today(),
                           errors=_errors(refused), refusal=_message(refused), values=request.form), \
        422 if refused else 200


def _dossiers_page(refused: InvalidData | NotAllowed | None = None, failed: int | None = None):
    _only_confidants()
    status = resignation.own_status(session(), current_user)
    if status.ending is None:
        return redirect(url_for(".mine"))
    rows, _total = listing.list_for(session(), current_user, listing.Filters(status="open"), 1, _fact_labels())
    return render_template(
        "lifecycle/resignation_dossiers.html", status=status, rows=rows, receivers=handover.receivers(
            session(), status.ending), shares=handover.handed_over(session(), status.ending),
        ways=handover.consent_ways(), has_key=login_steps.private_key() is not None, failed=failed,
        today_iso=resignation.today().isoformat(),
        errors=_errors(refused), refusal=_message(refused), values=request.form if refused else {}), \
        (refused.status if refused else 200)


def _removal_page(refused: InvalidData | NotAllowed | None = None, status: int | None = None):
    _only_secretaries()
    candidates = resignation.removable(session(), current_user)
    return render_template("lifecycle/removal_form.html", candidates=candidates, today=resignation.today(),
                           errors=_errors(refused), refusal=_message(refused), values=request.form), \
        status or (refused.status if refused else 200)


# Helpers

def _only_confidants() -> None:
    if not policy.can_lay_down_role(current_user):
        abort(403)


def _only_secretaries() -> None:
    if not policy.can_start_removal(current_user):
        abort(403)


def _fact_labels() -> listing.FactLabels:
    return _fact_labels_in(model_texts.current_locale())


@lru_cache(maxsize=8)
def _fact_labels_in(locale: str) -> listing.FactLabels:
    """The labels of the themes and persons, from the dossier form's choices (as the dossier list shows them)."""
    forms_dir = current_app.extensions["vertrouwd_settings"].forms_dir
    form = load_form(forms_dir, "dossier", model_texts.for_folder(forms_dir, locale))
    return {kind: {token(value): str(label) for value, label in form.field(name).options}
            for name, kind in FACT_FIELDS.items()}


def _date(name: str) -> tuple[date | None, dict[str, str]]:
    value = (request.form.get(name) or "").strip()
    if not value:
        return None, {}
    try:
        return date.fromisoformat(value), {}
    except ValueError:
        return None, {name: _("Geef een geldige datum.")}


def _form_id(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 and 0 < int(text) < 2**31 else None


def _written(day: date) -> str:
    return format_date(day)


def _message(refused) -> str | None:
    """The refusal's message; for a form whose fields say what is wrong, a pointer to them in the reader's language."""
    if refused is None:
        return None
    if getattr(refused, "errors", None) and refused.message == InvalidData({}).message:
        return _("Niet alles is juist ingevuld: zie hieronder.")
    return str(refused.message)


def _errors(refused) -> dict[str, str]:
    return {key: str(value) for key, value in getattr(refused, "errors", {}).items()} if refused else {}
