"""The confidant's dossier screens: list, register, open, add a note, edit the facts, close."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import model_texts
from app.auth import login_steps, policy
from app.db import session as db_session
from app.dossiers import escalation, listing, services, summary_sharing
from app.dossiers.services import DossierRefused, NeedsRecovery, NotYours, Shredded
from app.engine.errors import InvalidData
from app.forms import FormDefinition, load_form
from app.forms.fields import token
from app.forms.submission import parse_submission
from app.models.dossiers import EscalationState, FactKind
from app.retention import services as retention_services

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")


@bp.app_template_global()
def dossier_step(state: str | None) -> str | None:
    """A delicate dossier's step in words (the list and the dossier's own page say it alike)."""
    return listing.step_label(state)
DATE_FIELDS = ("opened_on", "consent_on", "closed_on")


def _form(name: str) -> FormDefinition:
    return _form_in(name, model_texts.current_locale())


@lru_cache(maxsize=16)
def _form_in(name: str, locale: str) -> FormDefinition:
    forms_dir = current_app.extensions["vertrouwd_settings"].forms_dir
    return load_form(forms_dir, name, model_texts.for_folder(forms_dir, locale))


@bp.before_app_request
def share_summaries_taken_up():
    """A PAPSY who took up a late delicate case waits for its summary: the confidant's key, held only in the
    confidant's own requests, wraps it for them here (one indexed look-up when nothing waits)."""
    if request.endpoint in (None, "static") or request.blueprint == "api" or not current_user.is_authenticated:
        return
    if not policy.can_keep_dossiers(current_user) or not summary_sharing.has_pending(db_session(), current_user.id):
        return
    private = login_steps.private_key()
    shared = summary_sharing.share_pending(db_session(), current_user, private) if private else []
    if shared:
        flash(_("Uw samenvatting van een delicate zaak werd gedeeld met %(names)s, die de zaak opnam.",
                names=", ".join(papsy.name for papsy in shared)), "info")


@bp.before_request
@login_required
def only_confidants():
    if not policy.has_dossier_list(db_session(), current_user):  # a PAPSY's: those handed over to them (R19)
        abort(403)


@bp.get("")
def index():
    filters, errors = listing.parse_filters(request.args)
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)  # an absurd page is the last one
    rows, total = listing.list_for(db_session(), current_user, filters, page, _fact_labels())
    return _list_page(rows, total, page, filters, errors=errors), 422 if errors else 200


@bp.post("/search")
def search():
    private = _private_key_or_login()
    if private is None:
        return redirect(url_for("auth.login"))
    needle = (request.form.get("q") or "").strip()[:200]
    ids = services.search_requester(db_session(), current_user, private, needle) if needle else []
    rows = listing.rows_for(db_session(), current_user, ids[:listing.PAGE_SIZE], _fact_labels())
    return _list_page(rows, len(ids), 1, listing.Filters(), found=len(ids), needle=needle)


@bp.route("/new", methods=["GET", "POST"])
def new():
    if not policy.can_keep_dossiers(current_user):  # only confidants register requests (R6)
        abort(403)
    form = _form("dossier")
    if request.method == "GET":
        return render_template("dossiers/edit.html", form=form, values={"opened_on": services.today().isoformat()},
                               errors={}, dossier=None)
    data, errors = parse_submission(form, request.form, request.files)
    if not errors:
        try:
            dossier = services.register(db_session(), current_user, _typed(data))
        except DossierRefused as exc:
            errors = {exc.field or "": str(exc.message)}
        else:
            flash(_("Dossier %(number)s is geregistreerd.", number=dossier.id), "info")
            _tell_if_delicate(dossier)
            return redirect(url_for("dossiers.show", dossier_id=dossier.id))
    return render_template("dossiers/edit.html", form=form, values=data, errors=errors, dossier=None), 422


@bp.get("/<id:dossier_id>")
def show(dossier_id: int):
    private = _private_key_or_login()
    if private is None:
        return redirect(url_for("auth.login"))
    return _dossier_page(dossier_id, private)


@bp.post("/<id:dossier_id>/notes")
def add_note(dossier_id: int):
    private = _private_key_or_login()
    if private is None:
        return redirect(url_for("auth.login"))
    data, errors = parse_submission(_form("dossier_note"), request.form, request.files)
    if errors:
        return _dossier_page(dossier_id, private, "note", data, errors)
    try:
        _or_404(lambda: services.add_note(db_session(), current_user, dossier_id, private, data["note"]))
    except Shredded as exc:
        return _refused_on_page(dossier_id, exc)
    flash(_("Notitie bewaard."), "info")
    return redirect(url_for("dossiers.show", dossier_id=dossier_id, _anchor="notes"))


@bp.route("/<id:dossier_id>/edit", methods=["GET", "POST"])
def edit(dossier_id: int):
    private = _private_key_or_login()
    if private is None:
        return redirect(url_for("auth.login"))
    form = _form("dossier")
    if request.method == "GET":
        view = _or_404(lambda: services.read(db_session(), current_user, dossier_id, private))
        if view.shredded:
            return _refused_on_page(dossier_id)
        return render_template("dossiers/edit.html", form=form, values=_values_of(view), errors={},
                               dossier=view.dossier)
    dossier = _or_404(lambda: services.own_dossier(db_session(), current_user, dossier_id))
    data, errors = parse_submission(form, request.form, request.files)
    if not errors:
        try:
            updated = services.update(db_session(), current_user, dossier_id, private, _typed(data))
        except Shredded as exc:
            return _refused_on_page(dossier_id, exc)
        except DossierRefused as exc:
            errors = {exc.field or "": str(exc.message)}
        else:
            flash(_("Dossier bijgewerkt."), "info")
            _tell_if_delicate(updated)
            return redirect(url_for("dossiers.show", dossier_id=dossier_id))
    return render_template("dossiers/edit.html", form=form, values=data, errors=errors, dossier=dossier), 422


@bp.post("/<id:dossier_id>/close")
def close(dossier_id: int):
    private = _private_key_or_login()
    if private is None:
        return redirect(url_for("auth.login"))
    data, errors = parse_submission(_form("dossier_close"), request.form, request.files)
    if not errors:
        try:
            _or_404(lambda: services.close(db_session(), current_user, dossier_id,
                                           date.fromisoformat(data["closed_on"]), data["outcome"]))
        except Shredded as exc:
            return _refused_on_page(dossier_id, exc)
        except DossierRefused as exc:
            errors = {exc.field or "": str(exc.message)}
    if errors:
        db_session().rollback()
        return _dossier_page(dossier_id, private, "close", data, errors)
    flash(_("Dossier afgesloten."), "info")
    return redirect(url_for("dossiers.show", dossier_id=dossier_id))


@bp.post("/<id:dossier_id>/summary")
def summary(dossier_id: int):
    private = _private_key_or_login()
    if private is None:
        return redirect(url_for("auth.login"))
    dossier = _or_404(lambda: services.own_dossier(db_session(), current_user, dossier_id))
    data, errors = parse_submission(_form("delicate_summary"), request.form, request.files)
    if not errors:
        try:
            escalation.write_summary(db_session(), current_user, dossier, data["summary"])
        except escalation.EscalationRefused as exc:
            flash(str(exc.message), "error")
            return redirect(url_for("dossiers.show", dossier_id=dossier_id))
        except InvalidData as exc:
            errors = exc.errors
    if errors:
        db_session().rollback()
        return _dossier_page(dossier_id, private, "summary", data, errors)
    flash(_("De samenvatting is versleuteld voor de PAPSY; de PAPSY heeft 2 werkdagen om de zaak op te nemen."), "info")
    return redirect(url_for("dossiers.show", dossier_id=dossier_id))


def _list_page(rows: list[listing.ListRow], total: int, page: int, filters: listing.Filters, errors=None,
               found=None, needle: str = "") -> str:
    show_prefix = url_for("dossiers.show", dossier_id=1)[:-1]  # "/dossiers/": one url_for a page, not one a row
    return render_template("dossiers/index.html", rows=rows, total=total, page=page, filters=filters,
                           filter_errors=errors or {}, page_size=listing.PAGE_SIZE, form=_form("dossier"),
                           show_prefix=show_prefix, found=found, needle=needle)


def _fact_labels() -> listing.FactLabels:
    return _fact_labels_in(model_texts.current_locale())


@lru_cache(maxsize=8)
def _fact_labels_in(locale: str) -> listing.FactLabels:
    """The labels of the themes and persons the list shows, from the dossier form's choices."""
    form = _form_in("dossier", locale)
    return {kind: {token(value): str(label) for value, label in form.field(name).options}
            for name, kind in services.FACT_FIELDS.items()}


def _dossier_page(dossier_id: int, private: bytes, refused_form: str | None = None, values: dict | None = None,
                  errors: dict | None = None):
    """The dossier page; after a refused form, that form again with what was typed and why (422)."""
    view = _or_404(lambda: services.read(db_session(), current_user, dossier_id, private))
    forms = {"note": _form("dossier_note"), "close": _form("dossier_close"), "summary": _form("delicate_summary")}
    retention = retention_services.view_of(db_session(), view.dossier, services.today())
    page = render_template("dossiers/show.html", view=view, dossier=view.dossier, forms=forms, form=_form("dossier"),
                           retention=retention,
                           consultation_form=_form("delicate_consultation"), FactKind=FactKind,
                           EscalationState=EscalationState, values={refused_form: values or {}},
                           errors={refused_form: errors or {}})
    return page, 422 if errors else 200


def _refused_on_page(dossier_id: int, refusal: Shredded | None = None):
    """Back to the dossier's page with why nothing changed: a shredded dossier takes no more writing."""
    db_session().rollback()
    flash(str(refusal.message if refusal else services.SHREDDED), "error")
    return redirect(url_for("dossiers.show", dossier_id=dossier_id))


def _tell_if_delicate(dossier) -> None:
    if dossier.delicate and dossier.escalation_state == EscalationState.SUMMARY_PENDING:
        flash(_("Dit is een delicate zaak: de PAPSY moet betrokken worden. Schrijf hieronder de samenvatting voor "
                "de PAPSY."), "info")


def _private_key_or_login() -> bytes | None:
    private = login_steps.private_key()
    if private is None:
        flash(_("Meld u opnieuw aan om uw dossiers te openen: uw sleutel is enkel geldig tijdens uw sessie."), "info")
    return private


def _or_404(call):
    try:
        return call()
    except NotYours:
        abort(404)
    except NeedsRecovery:
        abort(423, _("Dit dossier werd vergrendeld voor uw vorige sleutel, van voor het herstel van uw wachtwoord. "
                      "De herstelprocedure (aan te vragen door de PAPSY, goed te keuren door een beheerder) "
                      "opent het opnieuw."))


def _typed(data: dict) -> dict:
    """Form dates (ISO strings after validation) as dates for the service."""
    return {key: (date.fromisoformat(value) if key in DATE_FIELDS and value else value) for key, value in data.items()}


def _values_of(view) -> dict:
    dossier = view.dossier
    return {"opened_on": dossier.opened_on.isoformat(), "requester": view.requester,
            "themes": dossier.values(FactKind.THEME), "persons": dossier.values(FactKind.PERSON),
            "interventions": dossier.values(FactKind.INTERVENTION), "consent_given": dossier.consent_given,
            "consent_on": dossier.consent_on.isoformat() if dossier.consent_on else None,
            "referred_formal": dossier.referred_formal, "repeated_incident": dossier.repeated_incident}


def page_with_refused_form(dossier_id: int, private: bytes, form: str, values: dict, errors: dict):
    """The dossier page after a form that another area puts on it was refused (sharing with a stand-in,
    app/lifecycle): that form again with what was typed and why (422)."""
    return _dossier_page(dossier_id, private, form, values, errors)
