"""The contacts with the PAPSY (R21): the list (a confidant's own; a PAPSY's of their entities' confidants, by
confidant and year) and the form to log one."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import policy
from app.contacts import services
from app.db import session
from app.engine.errors import InvalidData
from app.models import Role

bp = Blueprint("contacts", __name__, url_prefix="/contacts")


@bp.before_request
@login_required
def keepers_only():
    if not policy.can_keep_contacts(current_user) or not policy.contact_entity_ids(session(), current_user):
        abort(403)


@bp.get("")
def index():
    return _page()


@bp.post("")
def log():
    given, values, errors = services.parse_contact(request.form)
    if given is not None:
        try:
            services.log_contact(session(), current_user, given)
        except InvalidData as exc:
            errors = exc.errors
        else:
            flash(_("Het contact is genoteerd."), "success")
            return redirect(url_for("contacts.index"))
    session().rollback()
    return _page(values, errors), 422


def _page(values: dict | None = None, errors: dict | None = None):
    as_papsy = current_user.has_role(Role.PAPSY) and policy.register_keeper(session(), current_user) is None
    year = request.args.get("year", type=int)
    year = year if year is not None and 2000 <= year <= 2100 else None
    keeper = None if as_papsy else policy.register_keeper(session(), current_user)
    partners = services.confidant_choices(session(), current_user) if as_papsy \
        else services.papsy_choices(session(), keeper)
    # The filter takes only one of the PAPSY's own confidants (those offered); any other id, a crafted one too
    # large for the database included, is ignored: all are shown, and the select says so.
    confidant_id = request.args.get("confidant", type=int) if as_papsy else None
    confidant_id = confidant_id if confidant_id in {value for value, _words in partners} else None
    return render_template("contacts/index.html", as_papsy=as_papsy, partners=partners,
                           rows=services.contacts_for(session(), current_user, confidant_id, year),
                           confidant_id=confidant_id, year=year, values=values or {}, errors=errors or {},
                           kinds=[(value, str(words)) for value, words in services.KINDS.items()])
