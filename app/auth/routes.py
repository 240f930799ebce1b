"""Login (password, then the TOTP code or its enrolment), logout, password change, the language choice."""
from __future__ import annotations

import math

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.auth import login_steps, own_password, second_factor, setup_links, throttle
from app.auth.accounts import AccountError, authenticate, change_password
from app.clock import now
from app.db import session as db_session
from app.extensions import LOCALES, limiter
from app.web import local_path

bp = Blueprint("auth", __name__)
bp.before_app_request(own_password.only_the_choice_page)


def _login_limit() -> str:
    return current_app.extensions["vertrouwd_settings"].login_rate_limit


def _pending_account_key() -> str:
    return f"code:{session.get(login_steps.PENDING_USER)}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message="Te veel aanmeldpogingen vanaf dit adres.")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("workflow.inbox"))
    if request.method == "POST":
        until = throttle.wait_until(request.form.get("email"))
        if until is not None:  # the password is not even checked
            return _slowed_down(until)
        password = request.form.get("password", "")
        user = authenticate(db_session(), request.form.get("email", ""), password)
        throttle.record(request.form.get("email"), user is not None)
        if user is not None:
            login_steps.password_accepted(user, password)
            session["next"] = _safe_next(request.args.get("next"))
            return _second_step(user)
        flash(_("E-mailadres of wachtwoord is niet juist."), "error")
        return render_template("auth/login.html", email=request.form.get("email", "")), 401
    return render_template("auth/login.html", email="")


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message="Te veel pogingen vanaf dit adres.")
@limiter.limit(_login_limit, methods=["POST"], key_func=_pending_account_key,
               error_message="Te veel pogingen voor dit account.")
def code():
    user = login_steps.pending_user()
    if user is None or user.totp_secret is None:
        return _start_again()
    if request.method == "POST":
        if second_factor.verify(db_session(), user, request.form.get("code", "")):
            return _logged_in(user)
        flash(_("De code is niet juist of werd al gebruikt. Probeer de volgende code van uw app."), "error")
        return render_template("auth/code.html"), 401
    return render_template("auth/code.html")


@bp.route("/login/enrol", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_pending_account_key,
               error_message="Te veel pogingen voor dit account.")
def enrol():
    user = login_steps.pending_user()
    if user is None or not login_steps.needs_enrolment(user):
        return _start_again()
    secret = session.setdefault(login_steps.PENDING_SECRET, second_factor.new_secret())
    if request.method == "POST":
        codes = second_factor.enrol(db_session(), user, secret, request.form.get("code", ""))
        if codes is not None:
            target = session.get("next") or url_for("workflow.inbox")
            login_steps.finish(user)
            session["recovery_codes"], session["next"] = codes, target
            return redirect(url_for("auth.recovery_codes"))
        flash(_("De code is niet juist. Controleer de tijd op uw telefoon en probeer opnieuw."), "error")
    uri = second_factor.provisioning_uri(secret, user.email)
    return render_template("auth/enrol.html", secret=secret, qr=second_factor.qr_svg(uri)), \
        (401 if request.method == "POST" else 200)


@bp.get("/account/recovery-codes")
@login_required
def recovery_codes():
    codes = session.pop("recovery_codes", None)
    if not codes:
        return redirect(url_for("workflow.inbox"))
    return render_template("auth/recovery_codes.html", codes=codes,
                           next=_safe_next(session.pop("next", None)))


@bp.post("/account/recovery-codes")
@login_required
def new_recovery_codes():
    if current_user.totp_secret is None:
        return redirect(url_for("workflow.inbox"))
    session["recovery_codes"] = second_factor.new_recovery_codes(db_session(), current_user)
    return redirect(url_for("auth.recovery_codes"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    if request.method == "POST":
        try:
            change_password(db_session(), current_user, request.form.get("current", ""),
                            request.form.get("new", ""), request.form.get("repeat", ""))
        except AccountError as exc:
            flash(str(exc), "error")
            return _account_page(), 400
        login_steps.continue_in_new_session()
        flash(_("Uw wachtwoord is gewijzigd. Uw dossiers blijven leesbaar. Op uw andere toestellen bent u "
                "afgemeld."), "info")
        return redirect(url_for("workflow.inbox"))
    return _account_page()


def _account_page() -> str:
    """The account page: the password form, and the personal calendar feed's section (app/intervision)."""
    from app.intervision.calendar_routes import account_section

    return render_template("auth/password.html", **account_section(current_user))


@bp.post("/logout")
@login_required
def logout():
    login_steps.log_out()
    logout_user()
    flash(_("U bent afgemeld."), "info")
    return redirect(url_for("auth.login"))


def _second_step(user):
    """After the password: enrol the second factor, give its code, or (when none is required) log in."""
    if login_steps.needs_enrolment(user):
        return redirect(url_for("auth.enrol"))
    if second_factor.required_for(user):
        return redirect(url_for("auth.code"))
    return _logged_in(user)


def _logged_in(user):
    target = session.get("next") or url_for("workflow.inbox")
    login_steps.finish(user)
    return redirect(target)


def _slowed_down(until):
    flash(_("Te veel mislukte aanmeldpogingen voor dit account. Probeer opnieuw vanaf %(time)s.",
            time=format_time(until, "HH:mm:ss")), "error")
    wait = max(1, math.ceil((until - now()).total_seconds()))
    return render_template("auth/login.html", email=request.form.get("email", "")), 429, {"Retry-After": str(wait)}


def _start_again():
    session.pop(login_steps.PENDING_USER, None)
    flash(_("Meld u opnieuw aan."), "info")
    return redirect(url_for("auth.login"))


# Choosing one's own password: after a login with a temporary password, or through a one-time setup link.

@bp.route("/account/choose-password", methods=["GET", "POST"])
@login_required
def choose_password():
    if not own_password.must_choose(current_user):
        return redirect(url_for("workflow.inbox"))
    if request.method == "POST":
        try:
            private = own_password.choose_own_password(db_session(), current_user, request.form.get("new", ""),
                                                       request.form.get("repeat", ""))
        except AccountError as exc:
            flash(str(exc), "error")
            return render_template("auth/choose_password.html"), 400
        user = current_user._get_current_object()
        login_steps.own_password_chosen(user, private)
        response = _logged_in(user)  # a new session: the message goes into that one
        flash(_("Uw eigen wachtwoord is ingesteld, en daarmee uw sleutel."), "info")
        return response
    return render_template("auth/choose_password.html")


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    link = setup_links.valid_link(db_session(), token)
    if link is None:
        abort(404, description=_("Deze link werkt niet (meer): ze is verlopen, al gebruikt of onvolledig. "
                                 "Vraag de beheerder een nieuwe link."))
    if request.method == "POST":
        try:
            user, private = setup_links.use(db_session(), link, request.form.get("new", ""),
                                            request.form.get("repeat", ""))
        except AccountError as exc:
            flash(str(exc), "error")
            return render_template("auth/setup.html", account=link.user), 400
        logout_user()
        login_steps.own_password_chosen(user, private)
        response = _second_step(user)
        flash(_("Uw wachtwoord is ingesteld, en daarmee uw sleutel."), "info")
        return response
    return render_template("auth/setup.html", account=link.user)


@bp.post("/language")
def set_language():
    lang = request.form.get("lang")
    if lang in LOCALES:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
    return redirect(_safe_next(request.form.get("next")))


def _safe_next(target: str | None) -> str:
    """Only redirect within this site."""
    return local_path(target, url_for("workflow.inbox"))
