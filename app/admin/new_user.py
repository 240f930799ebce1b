"""The admin's "Nieuwe gebruiker" page: an account without a password; its setup link is shown once."""
from __future__ import annotations

from flask import flash, render_template, request
from flask_login import current_user

from app.admin import services
from app.admin.routes import bp
from app.admin.users import setup_link_url
from app.auth.accounts import AccountError
from app.db import session
from app.ui import role_options

FIELDS = ("name", "email", "role", "entity")


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    if request.method == "GET":
        return _form({})
    values = {name: request.form.get(name, "") for name in FIELDS}
    try:
        account, token, mailed = services.create_user(session(), current_user, values)
    except AccountError as exc:
        flash(str(exc), "error")
        return _form(values, 400)
    return render_template("admin/user_created.html", account=account, setup_link=setup_link_url(token),
                           mailed=mailed)


def _form(values: dict, status: int = 200):
    return render_template("admin/new_user.html", values=values, roles=role_options(),
                           entities=services.entities(session())), status
