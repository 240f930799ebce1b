"""Pages of the fixed intervision groups (R12.1): the groups (PAPSY), one group with its members, history, sessions
and attendance, and a confidant's own group. Thin: the rules are in groups, group_sessions and attendance."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import policy
from app.db import session
from app.engine.errors import InvalidData, NotAllowed
from app.intervision import attendance, group_pages, group_sessions, groups
from app.models import Confidant, NetworkEvent, User

bp = Blueprint("intervision_group", __name__, url_prefix="/intervision")


@bp.before_request
@login_required
def _signed_in():
    return None


@bp.get("/groups")
def index():
    _check_manager()
    return _index_page()


@bp.post("/groups")
def create():
    _check_manager()
    try:
        group = groups.create_group(session(), current_user, request.form.get("name", ""),
                                    _user(request.form.get("leader")))
    except InvalidData as refused:
        return _index_page(refused)
    flash(_("De groep %(name)s is gemaakt. Voeg nu de vertrouwenspersonen toe.", name=group.name), "info")
    return redirect(url_for(".group", group_id=group.id))


@bp.get("/groups/<id:group_id>")
def group(group_id: int):
    return _group_page(_group(group_id))


@bp.post("/groups/<id:group_id>/settings")
def settings(group_id: int):
    target = _group(group_id)
    return _act(target, "settings", lambda: groups.change_group(
        session(), current_user, target, request.form.get("name", ""), _user(request.form.get("leader"))),
        _("De groep is aangepast."))


@bp.post("/groups/<id:group_id>/archive")
def archive(group_id: int):
    target = _group(group_id)
    refusal = _try(lambda: groups.archive_group(session(), current_user, target))
    if refusal is not None:
        return _group_page(target, refusal, "archive")
    flash(_("De groep %(name)s is gearchiveerd.", name=target.name), "info")
    return redirect(url_for(".index"))


@bp.post("/groups/<id:group_id>/members")
def add_member(group_id: int):
    target = _group(group_id)
    confidant = _confidant(request.form.get("confidant"))
    return _act(target, "add", lambda: groups.add_member(session(), target, confidant, current_user),
                _("%(name)s is toegevoegd en uitgenodigd voor de geplande sessies.",
                  name=confidant.name if confidant else ""))


@bp.post("/groups/<id:group_id>/members/<id:confidant_id>/move")
def move_member(group_id: int, confidant_id: int):
    target, confidant = _group(group_id), _member(confidant_id)
    to = _optional_group(request.form.get("to"))
    return _act(target, "members", lambda: groups.move_member(session(), current_user, confidant, to, target),
                _("%(name)s is verplaatst naar %(group)s.", name=confidant.name, group=to.name if to else ""))


@bp.post("/groups/<id:group_id>/members/<id:confidant_id>/remove")
def remove_member(group_id: int, confidant_id: int):
    target, confidant = _group(group_id), _member(confidant_id)
    return _act(target, "members", lambda: groups.remove_member(session(), current_user, target, confidant),
                _("%(name)s is uit de groep gehaald.", name=confidant.name))


@bp.post("/groups/<id:group_id>/sessions")
def plan(group_id: int):
    target = _group(group_id)
    return _act(target, "plan", lambda: group_sessions.plan(
        session(), current_user, target, group_sessions.read_fields(request.form)),
        _("De sessie is gepland; de leden krijgen een uitnodiging."))


@bp.post("/groups/<id:group_id>/sessions/<id:event_id>/change")
def change(group_id: int, event_id: int):
    target, event = _group(group_id), _event(group_id, event_id)
    return _act(target, f"change-{event.id}", lambda: group_sessions.change(
        session(), current_user, event, group_sessions.read_fields(request.form)),
        _("De sessie is gewijzigd; wie deelneemt, krijgt de bijgewerkte uitnodiging."))


@bp.post("/groups/<id:group_id>/sessions/<id:event_id>/cancel")
def cancel(group_id: int, event_id: int):
    target, event = _group(group_id), _event(group_id, event_id)
    return _act(target, "sessions", lambda: group_sessions.cancel(session(), current_user, event),
                _("De sessie is geannuleerd; wie deelneemt, krijgt de annulering."))


@bp.post("/groups/<id:group_id>/sessions/<id:event_id>/attendance")
def record_attendance(group_id: int, event_id: int):
    target, event = _group(group_id), _event(group_id, event_id)
    marks = attendance.marks_from(request.form)
    return _act(target, f"attendance-{event.id}", lambda: attendance.record(session(), current_user, event, marks),
                _("De aanwezigheid is bewaard."))


@bp.get("/mine")
def mine():
    confidant = policy.own_confidant(session(), current_user)
    if confidant is None:
        abort(403)
    return render_template("intervision/group_mine.html", **group_pages.own_group(session(), confidant))


# Helpers

def _check_manager() -> None:
    if not policy.can_manage_groups(current_user):
        abort(403)


def _group(group_id: int):
    _check_manager()
    found = groups.get_group(session(), group_id)
    if found is None:
        abort(404)
    return found


def _optional_group(value: str | None):
    chosen = _form_id(value)
    return groups.get_group(session(), chosen) if chosen else None


def _member(confidant_id: int) -> Confidant:
    confidant = session().get(Confidant, confidant_id)
    if confidant is None:
        abort(404)
    return confidant


def _event(group_id: int, event_id: int) -> NetworkEvent:
    event = session().get(NetworkEvent, event_id)
    if event is None or event.group_id != group_id:
        abort(404)
    return event


def _confidant(value: str | None) -> Confidant | None:
    chosen = _form_id(value)
    return session().get(Confidant, chosen) if chosen else None


def _user(value: str | None) -> User | None:
    chosen = _form_id(value)
    return session().get(User, chosen) if chosen else None


def _form_id(value: str | None) -> int | None:
    """A select's id, when it is one a row can have (not "²", which str.isdigit accepts, nor beyond the column)."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 and 0 < int(text) < 2**31 else None


def _try(action) -> InvalidData | NotAllowed | None:
    try:
        action()
    except (InvalidData, NotAllowed) as refused:
        session().rollback()  # nothing of the refused change stays, and the page shows the stored state
        return refused
    return None


def _act(target, form: str, action, done: str):
    """Run ``action``; on success back to the group's page with ``done``, else the page with the refusal."""
    refusal = _try(action)
    if refusal is not None:
        return _group_page(target, refusal, form)
    flash(done, "info")
    return redirect(url_for(".group", group_id=target.id, year=request.args.get("year")))


def _index_page(refusal: InvalidData | None = None):
    if refusal is not None:
        session().rollback()
    context = group_pages.index(session())
    return render_template("intervision/groups_index.html", **context, refusal=_message(refusal),
                           errors=_errors(refusal), values=request.form), 422 if refusal else 200


def _group_page(target, refusal: InvalidData | NotAllowed | None = None, form: str | None = None):
    context = group_pages.group(session(), current_user, target, _year())
    status = 200 if refusal is None else refusal.status
    return render_template("intervision/group.html", **context, refusal=_message(refusal), errors=_errors(refusal),
                           failed=form, values=request.form if refusal else {}), status


def _year() -> int:
    value = request.args.get("year", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) == 4 and 2000 <= int(value) <= 2100 \
        else group_sessions.this_year()


def _message(refusal) -> str | None:
    return None if refusal is None else str(refusal.message)


def _errors(refusal) -> dict[str, str]:
    return {key: str(value) for key, value in getattr(refusal, "errors", {}).items()} if refusal else {}
