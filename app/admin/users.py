"""Admin pages for one user account: a temporary password or a setup link (a reset: the key pair is deleted, the
user's new one comes with their own password) and a new second factor."""
from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.routes import bp
from app.auth import second_factor, setup_links
from app.auth.accounts import AccountError, admin_set_password, deactivate, note_reset_by
from app.crypto import user_keys
from app.db import session
from app.models import User

log = logging.getLogger(__name__)


@bp.get("/users/<id:user_id>")
def user_page(user_id: int):
    return _page(_account(user_id))


@bp.post("/users/<id:user_id>/password")
def user_password(user_id: int):
    account = _account(user_id)
    if account.id == current_user.id:
        return _refused(account, _("Uw eigen wachtwoord wijzigt u bij ‘Wachtwoord wijzigen’: zo blijven uw "
                                   "dossiers leesbaar."))
    try:
        new_key_pair = admin_set_password(session(), account, request.form.get("new", ""),
                                          request.form.get("repeat", ""))
    except AccountError as exc:
        return _refused(account, str(exc))
    note_reset_by(session(), account, current_user, "password")
    log.info("admin %s set a temporary password for user %s (key pair deleted: %s)", current_user.id, account.id,
             new_key_pair)
    flash(_("%(name)s heeft nu een tijdelijk wachtwoord. Geef het persoonlijk door: bij de volgende aanmelding kiest "
            "%(name)s een eigen wachtwoord, en pas dan wordt een nieuw sleutelpaar gemaakt.", name=account.name),
          "info")
    if new_key_pair:
        flash(_("Het oude sleutelpaar van %(name)s is verwijderd. Dossiers van vóór vandaag opent %(name)s pas weer na "
                "de herstelprocedure, en die kan pas nadat %(name)s een eigen wachtwoord koos.", name=account.name),
              "info")
    return redirect(url_for("admin.user_page", user_id=account.id))


@bp.post("/users/<id:user_id>/setup-link")
def user_setup_link(user_id: int):
    account = _account(user_id)
    if account.id == current_user.id:
        return _refused(account, _("Uw eigen wachtwoord wijzigt u bij ‘Wachtwoord wijzigen’: zo blijven uw "
                                   "dossiers leesbaar."))
    token = setup_links.issue(session(), account)
    note_reset_by(session(), account, current_user, "setup_link")
    mailed = setup_links.mail(session(), account, token)
    log.info("admin %s made a setup link for user %s (mailed: %s)", current_user.id, account.id, mailed)
    return _page(account, setup_link=setup_link_url(token), mailed=mailed)


@bp.post("/users/<id:user_id>/second-factor")
def user_second_factor(user_id: int):
    account = _account(user_id)
    if request.form.get("confirm") != "yes":
        return _refused(account, _("Bevestig eerst dat u de identiteit van %(name)s hebt nagegaan.",
                                   name=account.name))
    second_factor.reset(session(), account)
    note_reset_by(session(), account, current_user, "second_factor")
    log.info("admin %s reset the second factor of user %s", current_user.id, account.id)
    flash(_("%(name)s stelt bij de volgende aanmelding een nieuwe authenticator-app in.", name=account.name), "info")
    return redirect(url_for("admin.user_page", user_id=account.id))


@bp.post("/users/<id:user_id>/active")
def user_active(user_id: int):
    account = _account(user_id)
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        return _refused(account, _("Kies of het account actief moet zijn."))
    if account.id == current_user.id:
        return _refused(account, _("Uw eigen account schakelt een andere beheerder uit."))
    if wanted == "0":
        deactivate(session(), account)
        flash(_("Het account van %(name)s is uitgeschakeld; %(name)s is overal afgemeld.", name=account.name), "info")
    else:
        account.active = True
        flash(_("Het account van %(name)s is weer actief.", name=account.name), "info")
    log.info("admin %s set user %s active=%s", current_user.id, account.id, wanted)
    return redirect(url_for("admin.user_page", user_id=account.id))


def _account(user_id: int) -> User:
    account = session().get(User, user_id)
    if account is None:
        abort(404)
    return account


def _page(account: User, status: int = 200, **shown):
    has_keys = user_keys.public_key(session(), account.id) is not None
    return render_template("admin/user.html", account=account, has_keys=has_keys,
                           is_self=account.id == current_user.id, **shown), status


def setup_link_url(token: str) -> str:
    """The link as this site's address gives it (the mail uses PUBLIC_URL)."""
    return url_for("auth.setup", token=token, _external=True)


def _refused(account: User, message: str):
    flash(message, "error")
    return _page(account, 400)
