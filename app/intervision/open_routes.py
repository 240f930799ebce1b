"""Open intervision sessions of the GDPB and IDEWE (R12.2): the list, a session's page with registering, the PAPSY's
publish/change/cancel forms, the IDEWE requests to decide and the entities' prevention units."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import i18n, ui
from app.auth import policy
from app.db import session
from app.engine.errors import EngineError, InvalidData, NotAllowed, NotFound
from app.intervision import attendance, events, idewe, notices, open_sessions, units
from app.models import Entity, EventKind, EventParticipant, ParticipantStatus, Role
from app.web import refused_back

bp = Blueprint("intervision_open", __name__, url_prefix="/sessions")


@bp.app_template_global()
def session_when(event) -> str:
    """"2 dec. 2026 14:00–17:00" in the reader's time zone and language."""
    shown = i18n.display()
    return f"{ui.format_datetime(event.starts_at, shown)}–{event.ends_at.astimezone(shown.zone):%H:%M}"


@bp.app_template_global()
def session_title(event) -> str:
    return notices.event_title(event, i18n.display().locale)


def _may_use() -> None:
    if not (current_user.has_role(Role.PAPSY) or current_user.has_role(Role.CONFIDANT)):
        abort(403)


def _papsy_only() -> None:
    if not policy.can_organise_events(current_user):
        abort(403)


def _event(event_id: int):
    try:
        return open_sessions.get(session(), current_user, event_id)
    except NotFound:
        abort(404)
    except NotAllowed:
        abort(403)


@bp.get("/")
@login_required
def index():
    _may_use()
    return render_template("intervision/open_index.html", rows=open_sessions.upcoming(session()),
                           papsy=policy.can_organise_events(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    _papsy_only()
    kind = request.values.get("kind", EventKind.OPEN_GDPB.value)
    if request.method == "GET":
        return _form(None, {"kind": kind})
    try:
        event = open_sessions.publish(session(), current_user, kind, request.form)
    except InvalidData as exc:
        return _form(None, {**request.form.to_dict(), "kind": kind}, exc.errors, 422)
    flash(_("De sessie is gepubliceerd."), "success")
    return redirect(url_for("intervision_open.show", event_id=event.id))


@bp.route("/<id:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = _event(event_id)
    if not policy.can_change_event(current_user, event) or event.cancelled_at is not None:
        abort(403)
    if request.method == "GET":
        return _form(event, open_sessions.form_values(event))
    try:
        announced = open_sessions.change(session(), current_user, event, request.form)
    except InvalidData as exc:
        session().rollback()
        return _form(event, request.form.to_dict(), exc.errors, 422)
    flash(_("De sessie is gewijzigd; wie deelneemt, krijgt de gewijzigde uitnodiging.") if announced
          else _("De sessie is bewaard."), "success")
    return redirect(url_for("intervision_open.show", event_id=event.id))


def _form(event, values: dict, errors: dict | None = None, status: int = 200):
    kind = EventKind(event.kind) if event else EventKind(values.get("kind")) if values.get("kind") in (
        EventKind.OPEN_GDPB, EventKind.OPEN_IDEWE) else EventKind.OPEN_GDPB
    return render_template("intervision/open_form.html", event=event, kind=kind, values=values,
                           errors=errors or {}), status


@bp.post("/<id:event_id>/cancel")
@login_required
def cancel(event_id: int):
    return _on_session(event_id, lambda event: open_sessions.cancel(session(), current_user, event),
                       lambda result, event: _("De sessie is geannuleerd; wie deelnam, krijgt de annulering."))


def _on_session(event_id: int, act, said):
    """Do ``act(event)`` to the session, then back to its page saying ``said(result, event)``; a refusal is said
    there, and changes nothing."""
    event = _event(event_id)
    back = url_for("intervision_open.show", event_id=event_id)
    try:
        result = act(event)
    except EngineError as exc:
        return refused_back(exc, back)
    flash(said(result, event), "success")
    return redirect(back)


@bp.get("/<id:event_id>")
@login_required
def show(event_id: int):
    event = _event(event_id)
    confidant = policy.own_confidant(session(), current_user)
    mine = events.participant(session(), event, confidant) if confidant else None
    organiser = policy.can_change_event(current_user, event)
    return render_template(
        "intervision/open_show.html", event=event, listed=open_sessions.listed(session(), event), confidant=confidant,
        mine=mine, waiting_place=open_sessions.waiting_place(session(), event, mine) if mine else None,
        organiser=organiser, over=events.is_over(event),
        people=_participants(event) if organiser else [], takes_attendance=organiser and _takes_attendance(event))


def _participants(event):
    shown = (ParticipantStatus.REGISTERED, ParticipantStatus.WAITING, ParticipantStatus.REQUESTED,
             ParticipantStatus.APPROVED)
    return list(session().scalars(select(EventParticipant).where(
        EventParticipant.event_id == event.id, EventParticipant.status.in_(shown))
        .order_by(EventParticipant.registered_at, EventParticipant.id)))


def _takes_attendance(event) -> bool:
    return events.is_over(event) and open_sessions.takes_attendance(event)


@bp.post("/<id:event_id>/attendance")
@login_required
def record_attendance(event_id: int):
    marks = attendance.marks_from(request.form)
    return _on_session(event_id, lambda event: open_sessions.record_attendance(session(), current_user, event, marks),
                       lambda result, event: _("De aanwezigheid is bewaard."))


@bp.post("/<id:event_id>/register")
@login_required
def register(event_id: int):
    return _on_session(event_id, lambda event: open_sessions.register(session(), current_user, event),
                       lambda row, event: {
                           ParticipantStatus.REGISTERED: _("U bent ingeschreven; de uitnodiging komt per mail."),
                           ParticipantStatus.WAITING: _("De sessie is volzet: u staat op de wachtlijst. Komt er een "
                                                        "plaats vrij, dan krijgt u een mail."),
                           ParticipantStatus.REQUESTED: _("Uw aanvraag is verstuurd; een PAPSY van uw entiteit "
                                                          "beslist erover.")}[ParticipantStatus(row.status)])


@bp.post("/<id:event_id>/unregister")
@login_required
def unregister(event_id: int):
    return _on_session(event_id, lambda event: open_sessions.unregister(session(), current_user, event),
                       lambda result, event: _("Uw inschrijving is ingetrokken.") if event.kind == EventKind.OPEN_IDEWE
                       else _("U bent uitgeschreven."))


@bp.get("/requests")
@login_required
def requests():
    _papsy_only()
    return render_template("intervision/open_requests.html", rows=idewe.to_decide(session(), current_user),
                           balances={entity.id: units.balance(session(), entity.id)
                                     for entity in current_user.papsy_entities})


@bp.post("/requests/<id:participant_id>/approve")
@login_required
def approve(participant_id: int):
    _papsy_only()
    back = url_for("intervision_open.requests")
    try:
        row = idewe.approve(session(), current_user, participant_id)
    except EngineError as exc:
        return refused_back(exc, back)
    if row.status == ParticipantStatus.REFUSED:
        flash(_("Niet goedgekeurd: %(reason)s", reason=row.reason), "error")
    else:
        flash(_("Goedgekeurd: %(units)s preventie-eenheden afgeboekt.", units=row.units_debited), "success")
    return redirect(back)


@bp.post("/requests/<id:participant_id>/refuse")
@login_required
def refuse(participant_id: int):
    _papsy_only()
    back = url_for("intervision_open.requests")
    try:
        idewe.refuse(session(), current_user, participant_id, request.form.get("reason"))
    except EngineError as exc:
        return refused_back(exc, back)
    flash(_("De aanvraag is geweigerd; de vertrouwenspersoon ziet de reden."), "success")
    return redirect(back)


@bp.get("/units")
@login_required
def units_index():
    _papsy_only()
    return render_template("intervision/units_index.html", rows=[
        (entity, units.balance(session(), entity.id)) for entity in units.entities_for(current_user)])


@bp.route("/units/<code>", methods=["GET", "POST"])
@login_required
def units_page(code: str):
    _papsy_only()
    entity = session().scalar(select(Entity).where(Entity.code == code))
    if entity is None:
        abort(404)
    if not policy.can_keep_prevention_units(current_user, entity):
        abort(403)
    errors, values, status = {}, {}, 200
    if request.method == "POST":
        try:
            entry = units.credit(session(), current_user, entity, request.form.get("units"), request.form.get("note"))
        except InvalidData as exc:
            session().rollback()
            errors, values, status = exc.errors, request.form.to_dict(), 422
        else:
            flash(_("%(units)s preventie-eenheden bijgeboekt.", units=entry.delta), "success")
            return redirect(url_for("intervision_open.units_page", code=code))
    history = units.history(session(), entity.id)
    ids = {entry.participant_id for entry in history if entry.participant_id}
    who = {row.id: row for row in session().scalars(select(EventParticipant).where(EventParticipant.id.in_(ids)))}
    return render_template("intervision/units.html", entity=entity, balance=units.balance(session(), entity.id),
                           history=history, who=who, errors=errors, values=values), status
