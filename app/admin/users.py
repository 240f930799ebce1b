"""Admin pages for one user account: a temporary password or a setup link (a reset: the key pair is deleted, the
user's new one comes with their own password), a new second factor, switching the account off or on."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import services
from app.admin.routes import bp
from app.auth.accounts import AccountError
from app.db import session
from app.models import User


@bp.get("/users/<id:user_id>")
def user_page(user_id: int):
    return _page(services.account(session(), user_id))


@bp.post("/users/<id:user_id>/password")
def user_password(user_id: int):
    account = services.account(session(), user_id)
    try:
        deleted_key_pair = services.give_temporary_password(session(), current_user, account,
                                                            request.form.get("new", ""), request.form.get("repeat", ""))
    except AccountError as exc:
        return _refused(account, str(exc))
    flash(_("%(name)s heeft nu een tijdelijk wachtwoord. Geef het persoonlijk door: bij de volgende aanmelding kiest "
            "%(name)s een eigen wachtwoord, en pas dan wordt een nieuw sleutelpaar gemaakt.", name=account.name),
          "info")
    if deleted_key_pair:
        flash(_("Het oude sleutelpaar van %(name)s is verwijderd. Dossiers van vóór vandaag opent %(name)s pas weer na "
                "de herstelprocedure, en die kan pas nadat %(name)s een eigen wachtwoord koos.", name=account.name),
              "info")
    return redirect(url_for("admin.user_page", user_id=account.id))


@bp.post("/users/<id:user_id>/setup-link")
def user_setup_link(user_id: int):
    account = services.account(session(), user_id)
    try:
        token, mailed = services.issue_setup_link(session(), current_user, account)
    except AccountError as exc:
        return _refused(account, str(exc))
    return _page(account, setup_link=setup_link_url(token), mailed=mailed)


@bp.post("/users/<id:user_id>/second-factor")
def user_second_factor(user_id: int):
    account = services.account(session(), user_id)
    try:
        services.reset_second_factor(session(), current_user, account, request.form.get("confirm") == "yes")
    except AccountError as exc:
        return _refused(account, str(exc))
    flash(_("%(name)s stelt bij de volgende aanmelding een nieuwe authenticator-app in.", name=account.name), "info")
    return redirect(url_for("admin.user_page", user_id=account.id))


@bp.post("/users/<id:user_id>/active")
def user_active(user_id: int):
    account = services.account(session(), user_id)
    try:
        active = services.set_active(session(), current_user, account, request.form.get("active"))
    except AccountError as exc:
        return _refused(account, str(exc))
    if active:
        flash(_("Het account van %(name)s is weer actief.", name=account.name), "info")
    else:
        flash(_("Het account van %(name)s is uitgeschakeld; %(name)s is overal afgemeld.", name=account.name), "info")
    return redirect(url_for("admin.user_page", user_id=account.id))


def setup_link_url(token: str) -> str:
    """The link as this site's address gives it (the mail uses PUBLIC_URL)."""
    return url_for("auth.setup", token=token, _external=True)


def _page(account: User, status: int = 200, **shown):
    return render_template("admin/user.html", account=account, has_keys=services.has_key_pair(session(), account),
                           entity_names=services.entity_names(account), is_self=account.id == current_user.id,
                           **shown), status


def _refused(account: User, message: str):
    flash(message, "error")
    return _page(account, 400)
