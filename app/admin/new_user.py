"""The admin's "Nieuwe gebruiker" page: an account without a password; its setup link is shown once."""
from __future__ import annotations

import logging

from flask import flash, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.admin.routes import bp
from app.admin.users import setup_link_url
from app.auth import setup_links
from app.auth.accounts import AccountError
from app.auth.new_accounts import create_with_setup_link
from app.db import session
from app.models import Entity, Role

log = logging.getLogger(__name__)
FIELDS = ("name", "email", "role", "entity")


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    if request.method == "GET":
        return _form({})
    values = {name: request.form.get(name, "") for name in FIELDS}
    try:
        account, token = create_with_setup_link(session(), values["email"], values["name"], values["role"],
                                                values["entity"])
    except AccountError as exc:
        flash(str(exc), "error")
        return _form(values, 400)
    mailed = setup_links.mail(session(), account, token)
    log.info("admin %s created user %s with a setup link (mailed: %s)", current_user.id, account.id, mailed)
    return render_template("admin/user_created.html", account=account, setup_link=setup_link_url(token),
                           mailed=mailed)


def _form(values: dict, status: int = 200):
    entities = list(session().scalars(select(Entity).order_by(Entity.name)))
    return render_template("admin/new_user.html", values=values, roles=list(Role), entities=entities), status
