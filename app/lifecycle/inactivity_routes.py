"""The pages of temporary inactivity (R14): the confidant's "Mijn beschikbaarheid" (report a period, call it off, end
it early, and what they stand in for), sharing a dossier with the stand-in from the dossier's page, the stand-in's
reading of it, and the list of periods for the PAPSY and admins."""
from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import model_texts
from app.auth import login_steps, policy
from app.db import session
from app.dossiers import routes as dossier_routes
from app.dossiers.services import DossierRefused, NeedsRecovery, NotYours, today
from app.engine.errors import InvalidData, NotAllowed
from app.forms import FormDefinition, load_form
from app.lifecycle import inactivity, inactivity_dossiers
from app.ui import format_date

bp = Blueprint("inactivity", __name__)
OWN_LOCKED = _l("Dit dossier werd vergrendeld voor uw vorige sleutel, van voor het herstel van uw wachtwoord. De "
                "herstelprocedure (aan te vragen door de PAPSY, goed te keuren door een beheerder) opent het opnieuw.")
SHARED_LOCKED = _l("Dit dossier werd gedeeld met uw vorige sleutel, van voor het herstel van uw wachtwoord. Vraag de "
                   "vertrouwenspersoon het opnieuw te delen.")


@bp.before_request
@login_required
def signed_in():
    """Every page here is for a signed-in user; each route asks the policy what they may do."""


@bp.app_template_global()
def inactivity_state(period) -> str:
    """planned, current, ended or cancelled: which words and actions a period gets."""
    return inactivity.state_of(period, today()).value


@bp.app_template_global()
def stand_in_offer(dossier):
    """The dossier page's offer to share with the keeper's stand-in (None: no period with a stand-in)."""
    return inactivity_dossiers.share_offer(session(), current_user, dossier)


@bp.app_template_global()
def consent_way_options() -> list[tuple[str, str]]:
    return [(way.value, str(label)) for way, label in inactivity_dossiers.CONSENT_WAYS.items()]


@bp.get("/availability")
def availability():
    return _availability_page()


@bp.post("/availability")
def report():
    _confidant_only()
    reported, values, errors = inactivity.parse_report(request.form)
    if reported is not None:
        try:
            period = inactivity.report(session(), current_user, reported)
        except InvalidData as exc:
            errors = exc.errors
        else:
            flash(_("Uw periode is gemeld aan de PAPSY. Van %(first)s tot en met %(last)s staat u niet op de "
                    "gepubliceerde lijst.", first=format_date(period.starts_on), last=format_date(period.ends_on)),
                  "success")
            return redirect(url_for("inactivity.availability"))
    session().rollback()
    return _availability_page(values, errors), 422


@bp.post("/availability/<id:period_id>/cancel")
def cancel(period_id: int):
    return _on_own_period(inactivity.cancel, period_id, _("De periode is afgezegd."))


@bp.post("/availability/<id:period_id>/end")
def end(period_id: int):
    return _on_own_period(inactivity.end_early, period_id,
                          _("De periode is beëindigd: u staat weer op de gepubliceerde lijst."))


@bp.post("/dossiers/<id:dossier_id>/stand-in")
def share(dossier_id: int):
    _dossier_keepers_only()
    private = _private_key_or_login()
    if private is None:
        return redirect(url_for("auth.login"))
    consent_on, consent_way, errors = inactivity_dossiers.parse_consent(request.form)
    period_id = request.form.get("period", type=int)
    if not errors:
        try:
            stand_in = _or_404(lambda: inactivity_dossiers.share(session(), current_user, private, dossier_id,
                                                                 period_id or 0, consent_on, consent_way), OWN_LOCKED)
        except DossierRefused as exc:
            errors = {exc.field or "": str(exc.message)}
        else:
            flash(_("Het dossier is gedeeld met %(name)s, tot het einde van uw periode.", name=stand_in.name),
                  "success")
            return redirect(url_for("dossiers.show", dossier_id=dossier_id, _anchor="stand-in-title"))
    session().rollback()
    values = {"consent_on": request.form.get("consent_on", "")[:20], "consent_way": request.form.get("consent_way")}
    return dossier_routes.page_with_refused_form(dossier_id, private, "stand_in", values, errors)


@bp.post("/dossiers/<id:dossier_id>/stand-in/stop")
def stop_sharing(dossier_id: int):
    _dossier_keepers_only()
    stopped = _or_404(lambda: inactivity_dossiers.stop_sharing(session(), current_user, dossier_id), OWN_LOCKED)
    flash(_("Uw vervanger kan dit dossier niet meer lezen.") if stopped else _("Dit dossier was niet gedeeld."),
          "success" if stopped else "info")
    return redirect(url_for("dossiers.show", dossier_id=dossier_id))


@bp.get("/stand-in/dossiers/<id:dossier_id>")
def stand_in_dossier(dossier_id: int):
    _dossier_keepers_only()
    private = _private_key_or_login()
    if private is None:
        return redirect(url_for("auth.login"))
    view = _or_404(lambda: inactivity_dossiers.read(session(), current_user, dossier_id, private), SHARED_LOCKED)
    return render_template("lifecycle/inactivity_stand_in_dossier.html", view=view, dossier=view.dossier,
                           form=_dossier_form())


@bp.get("/inactivity")
def overview():
    if not policy.can_view_inactivity(current_user):
        abort(403)
    return render_template("lifecycle/inactivity_list.html",
                           overview=inactivity.overview_for(session(), current_user))


def _availability_page(values: dict | None = None, errors: dict | None = None):
    return render_template("lifecycle/inactivity.html", page=inactivity.availability_of(session(), current_user),
                           values=values or {}, errors=errors or {}, form=_dossier_form())


def _confidant_only() -> None:
    if not policy.can_report_inactivity(current_user):
        raise NotAllowed(_("Deze pagina is voor vertrouwenspersonen."))


def _dossier_keepers_only() -> None:
    """Sharing and standing in are between confidants: for anyone else these pages do not exist (403)."""
    if not policy.can_keep_dossiers(current_user) or not policy.can_read_confidential(current_user):
        abort(403)


def _on_own_period(action, period_id: int, done: str):
    """``action`` (call off, end early) on one of the confidant's own periods; a refusal is said on the page."""
    _confidant_only()
    try:
        action(session(), current_user, period_id)
    except InvalidData as exc:
        return _refused(exc)
    flash(done, "success")
    return redirect(url_for("inactivity.availability"))


def _refused(exc: InvalidData):
    session().rollback()  # nothing of the refused action is kept
    return _availability_page(errors=exc.errors), 422


def _private_key_or_login() -> bytes | None:
    private = login_steps.private_key()
    if private is None:
        flash(_("Meld u opnieuw aan om dossiers te openen: uw sleutel is enkel geldig tijdens uw sessie."), "info")
    return private


def _or_404(call, locked: str):
    """Not theirs: 404, as for a dossier that does not exist. Sealed for an earlier key pair: 423, saying why."""
    try:
        return call()
    except NotYours:
        abort(404)
    except NeedsRecovery:
        abort(423, str(locked))


def _dossier_form() -> FormDefinition:
    return _dossier_form_in(model_texts.current_locale())


@lru_cache(maxsize=4)
def _dossier_form_in(locale: str) -> FormDefinition:
    """The dossier form, for the labels of the facts a stand-in sees."""
    forms_dir = current_app.extensions["vertrouwd_settings"].forms_dir
    return load_form(forms_dir, "dossier", model_texts.for_folder(forms_dir, locale))
