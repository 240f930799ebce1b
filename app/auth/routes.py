"""Login, logout and the language choice."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.accounts import authenticate
from app.db import session as db_session
from app.extensions import LOCALES, limiter

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.extensions["vertrouwd_settings"].login_rate_limit


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message="Te veel aanmeldpogingen vanaf dit adres.")
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key,
               error_message="Te veel aanmeldpogingen voor dit account.")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("workflow.inbox"))
    if request.method == "POST":
        user = authenticate(db_session(), request.form.get("email", ""), request.form.get("password", ""))
        if user is not None:
            session.clear()
            session.permanent = True
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("E-mailadres of wachtwoord is niet juist."), "error")
        return render_template("auth/login.html", email=request.form.get("email", "")), 401
    return render_template("auth/login.html", email="")


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("U bent afgemeld."), "info")
    return redirect(url_for("auth.login"))


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
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("workflow.inbox")
