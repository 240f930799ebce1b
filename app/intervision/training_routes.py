"""The pages of the GDPB's trainings and info sessions (R13): the list, a training's page (register, unregister),
publishing, changing and cancelling (a PAPSY), and the participants with their attendance (the organiser)."""
from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import i18n, ui
from app.clock import now
from app.auth import policy
from app.db import session
from app.engine.errors import InvalidData
from app.intervision import events, registrations, training_form, trainings
from app.models import Attendance, EventKind, NetworkEvent, ParticipantStatus

bp = Blueprint("trainings", __name__, url_prefix="/trainings")
KIND_LABELS = {EventKind.TRAINING: _l("Vorming"), EventKind.INFO_SESSION: _l("Infosessie")}
ATTENDANCE_LABELS = {Attendance.PRESENT: _l("aanwezig"), Attendance.ABSENT: _l("afwezig"),
                     Attendance.EXCUSED: _l("verontschuldigd")}


@bp.before_request
@login_required
def only_papsy_and_confidants():
    if not policy.can_see_trainings(current_user):
        abort(403)


@bp.app_template_global()
def training_kind(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_global()
def attendance_label(value: str | None) -> str:
    return str(ATTENDANCE_LABELS[value]) if value in ATTENDANCE_LABELS else _("niet geregistreerd")


@bp.app_template_filter("training_days")
def training_days(days: Decimal | None) -> str:
    """"0,5 dag", "1 dag", "2 dagen" (in English "0.5 day", "1 day", "2 days")."""
    value = Decimal(days or 0)
    shown = format_decimal(value.normalize(), format="#,##0.#", locale=i18n.display().locale)
    return ngettext("%(days)s dag", "%(days)s dagen", 1 if 0 < value <= 1 else 2, days=shown)


@bp.app_template_global()
def training_when(event: NetworkEvent) -> str:
    """"15 mrt. 2027 09:30 – 12:30", or with the last day when it spans several."""
    zone = i18n.display().zone
    starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    end = f"{ends:%H:%M}" if ends.date() == starts.date() else ui.format_datetime(event.ends_at)
    return f"{ui.format_datetime(event.starts_at)} – {end}"


@bp.get("/")
def index():
    confidant = trainings.own_confidant(session(), current_user)
    upcoming = trainings.upcoming(session())
    mine = trainings.statuses(session(), confidant, [row.event.id for row in upcoming])
    past = trainings.organised_past(session(), current_user) if policy.can_organise_events(current_user) else []
    return render_template("intervision/trainings/index.html", upcoming=upcoming, mine=mine, past=past,
                           advice=_advice(confidant))


@bp.get("/<id:event_id>")
def show(event_id: int):
    return _show_page(trainings.find(session(), current_user, event_id))


@bp.route("/new", methods=["GET", "POST"])
def new():
    if not policy.can_organise_events(current_user):
        abort(403)
    if request.method == "GET":
        return _form_page(None, {"kind": EventKind.TRAINING.value, "duration_days": "1"}, {})
    details, values, errors = training_form.parse(request.form)
    if details is not None:
        try:
            event = trainings.publish(session(), current_user, details)
        except InvalidData as exc:
            errors = exc.errors or {"": str(exc.message)}
        else:
            flash(_("%(title)s is gepubliceerd.", title=event.title), "success")
            return redirect(url_for("trainings.show", event_id=event.id))
    return _form_page(None, values, errors), 422


@bp.route("/<id:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int):
    event = _organised(event_id)
    if request.method == "GET":
        return _form_page(event, training_form.values_of(event), {})
    details, values, errors = training_form.parse({**request.form, "kind": str(event.kind)})
    if details is not None:
        try:
            announced = trainings.change(session(), current_user, event, details)
        except InvalidData as exc:
            errors = exc.errors or {"": str(exc.message)}
        else:
            flash(_("De wijziging is bewaard; wie ingeschreven is, kreeg de aangepaste uitnodiging.") if announced
                  else _("De wijziging is bewaard."), "success")
            return redirect(url_for("trainings.show", event_id=event.id))
    session().rollback()  # nothing of a refused change is kept
    return _form_page(session().get(NetworkEvent, event_id), values, errors), 422


@bp.post("/<id:event_id>/cancel")
def cancel(event_id: int):
    event = _organised(event_id)
    try:
        trainings.cancel(session(), current_user, event)
    except InvalidData as exc:
        return _refused(event_id, exc)
    flash(_("De sessie is geannuleerd; wie ingeschreven was, kreeg de annulering."), "success")
    return redirect(url_for("trainings.show", event_id=event_id))


@bp.post("/<id:event_id>/register")
def register(event_id: int):
    event = trainings.find(session(), current_user, event_id)
    try:
        row = trainings.register(session(), current_user, event)
    except InvalidData as exc:
        return _refused(event_id, exc)
    flash(_("U bent ingeschreven; de uitnodiging komt in uw mailbox.") if row.status == ParticipantStatus.REGISTERED
          else _("De sessie is volzet: u staat op de wachtlijst. Komt er een plaats vrij, dan krijgt u een e-mail."),
          "success")
    return redirect(url_for("trainings.show", event_id=event_id))


@bp.post("/<id:event_id>/unregister")
def unregister(event_id: int):
    event = trainings.find(session(), current_user, event_id)
    try:
        trainings.unregister(session(), current_user, event)
    except InvalidData as exc:
        return _refused(event_id, exc)
    flash(_("U bent uitgeschreven."), "success")
    return redirect(url_for("trainings.show", event_id=event_id))


@bp.route("/<id:event_id>/participants", methods=["GET", "POST"])
def participants(event_id: int):
    event = trainings.find(session(), current_user, event_id)
    if not policy.can_record_attendance(current_user, event):
        abort(403)
    if request.method == "GET":
        return _participants_page(event)
    marks, errors = _attendance_marks(request.form)
    if not errors:
        try:
            changed = trainings.record_attendance(session(), current_user, event, marks)
        except InvalidData as exc:
            errors = {"": str(exc.message)}
        else:
            flash(ngettext("Aanwezigheid bewaard (%(num)d wijziging).", "Aanwezigheid bewaard (%(num)d wijzigingen).",
                           changed), "success")
            return redirect(url_for("trainings.participants", event_id=event_id))
    session().rollback()
    return _participants_page(session().get(NetworkEvent, event_id), errors), 422


def _organised(event_id: int) -> NetworkEvent:
    event = trainings.find(session(), current_user, event_id)
    if not policy.can_change_event(current_user, event):
        abort(403)
    return event


def _attendance_marks(form) -> tuple[dict[int, Attendance | None], dict[str, str]]:
    marks: dict[int, Attendance | None] = {}
    for name, value in form.items():
        if not name.startswith("attendance-"):
            continue
        key = name.removeprefix("attendance-")
        if not (key.isascii() and key.isdigit() and len(key) <= 9) or value not in ("", *Attendance):
            return {}, {"": _("Kies per deelnemer aanwezig, afwezig of verontschuldigd.")}
        marks[int(key)] = Attendance(value) if value else None
    return marks, {}


def _advice(confidant) -> dict | None:
    """The recommendation's status for the confidant looking (never a condition for anything)."""
    if confidant is None:
        return None
    year = events.year_of(now())
    days, met = trainings.recommendation(session(), confidant, year)
    return {"year": year, "days": days, "met": met, "recommended": trainings.RECOMMENDED_DAYS}


def _refused(event_id: int, exc: InvalidData):
    session().rollback()  # nothing of the refused action is kept
    return _show_page(trainings.find(session(), current_user, event_id), str(exc.message)), 422


def _show_page(event: NetworkEvent, refusal: str | None = None):
    confidant = trainings.own_confidant(session(), current_user)
    return render_template("intervision/trainings/show.html", event=event, refusal=refusal,
                           places=trainings.listed(session(), event), over=events.is_over(event),
                           standing=trainings.standing(session(), event, confidant), confidant=confidant,
                           advice=_advice(confidant) if event.kind == EventKind.TRAINING else None,
                           organiser=policy.can_change_event(current_user, event))


def _form_page(event: NetworkEvent | None, values: dict, errors: dict):
    kinds = [(kind.value, str(label)) for kind, label in KIND_LABELS.items()]
    return render_template("intervision/trainings/edit.html", event=event, values=values, errors=errors, kinds=kinds)


def _participants_page(event: NetworkEvent, errors: dict | None = None):
    return render_template("intervision/trainings/participants.html", event=event, errors=errors or {},
                           registered=trainings.registered(session(), event), over=events.is_over(event),
                           waiting=registrations.waiting_list(session(), event),
                           choices=[(value.value, str(label)) for value, label in ATTENDANCE_LABELS.items()])
