"""The conversation room's pages (R17): the room's week with the request form and one's own bookings, the PAPSY's
requests to decide, and the actions on a booking (approve, decline, cancel, its calendar file)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import policy
from app.db import session
from app.engine.errors import EngineError, InvalidData
from app.mail.outbox import locale_of
from app.models import BookingStatus, RoomBooking, User
from app.room import bookings, ics, pages, slots
from app.room.wording import span, written_day
from app.web import refused_back

bp = Blueprint("room", __name__, url_prefix="/room")
FORM_FIELDS = ("day", "start", "end", "purpose")


@bp.app_template_global()
def room_when(booking: RoomBooking) -> str:
    """"dinsdag 9 mrt. 2027, 10:00–11:00" in the reader's language."""
    return f"{written_day(booking.day)}, {span(booking.start_slot, booking.end_slot)}"


@bp.context_processor
def room_words() -> dict:
    return {"span": span, "written_day": written_day, "purpose_label": slots.purpose_label,
            "status_words": pages.status_words, "has_begun": pages.has_begun, "clock_time": slots.clock_time,
            "spans": lambda found: ", ".join(span(*run) for run in found),
            "opens": slots.clock_time(slots.FIRST_SLOT), "closes": slots.clock_time(slots.END_SLOT)}


def _may_see() -> None:
    if not policy.can_see_room(current_user):
        abort(403)


def _papsy_only() -> None:
    if not policy.can_see_who_booked_room(current_user):
        abort(403)


@bp.get("/")
@login_required
def index():
    _may_see()
    week, refusal = slots.Week.current(), None
    if request.args.get("week"):
        try:
            week = slots.Week.parse(request.args["week"])
        except InvalidData as exc:
            refusal = exc
    values = {name: request.args.get(name, "") for name in FORM_FIELDS}  # a free time's link fills the form
    return _week_page(week, values, refusal=refusal, status=400 if refusal else 200)


def _week_page(week: slots.Week, values: dict, errors: dict | None = None, refusal: InvalidData | None = None,
               message: str | None = None, status: int = 200):
    db, user = session(), current_user
    asker = policy.can_request_room(db, user)
    return render_template(
        "room/index.html", week=week, days=pages.week(db, user, week), refusal=refusal, asker=asker,
        papsy=policy.can_see_who_booked_room(user), to_decide=pages.count_to_decide(db, user),
        own=pages.own(db, user),
        values=values, errors=errors or {}, message=message, today=slots.today(), last_day=slots.last_day(),
        start_options=slots.start_options(), end_options=slots.end_options(),
        purposes=[(purpose.value, str(label)) for purpose, label in slots.PURPOSE_LABELS.items()]), status


@bp.post("/bookings")
@login_required
def ask():
    if not policy.can_request_room(session(), current_user):
        abort(403)
    try:
        booking = bookings.ask(session(), current_user, request.form)
    except InvalidData as exc:
        session().rollback()
        values = {name: request.form.get(name, "") for name in FORM_FIELDS}
        message = None if exc.errors else exc.message
        return _week_page(_week_of(values["day"]), values, exc.errors, message=message, status=422)
    flash(_("Uw aanvraag is verstuurd. Een PAPSY van uw entiteit beslist erover; u krijgt een mail."), "success")
    return redirect(url_for("room.index", week=booking.day.isoformat(), _anchor="eigen"))


def _week_of(text: str) -> slots.Week:
    """The week of the day a refused form asked for, when the page shows it; else this week."""
    try:
        week = slots.Week.of(date.fromisoformat(text.strip()))
    except ValueError:
        return slots.Week.current()
    return week if week.shown() else slots.Week.current()


@bp.get("/requests")
@login_required
def requests():
    _papsy_only()
    return _requests_page()


def _requests_page(errors: dict | None = None, values: dict | None = None, status: int = 200):
    return render_template("room/requests.html", rows=pages.to_decide(session(), current_user),
                           errors=errors or {}, values=values or {}), status


@bp.post("/bookings/<id:booking_id>/approve")
@login_required
def approve(booking_id: int):
    _papsy_only()
    try:
        booking = bookings.approve(session(), current_user, booking_id)
    except EngineError as exc:
        return refused_back(exc, url_for("room.requests"))
    flash(_("Goedgekeurd: %(when)s. De vertrouwenspersoon krijgt de reservering met het agendabestand.",
            when=room_when(booking)), "success")
    return redirect(url_for("room.requests"))


@bp.post("/bookings/<id:booking_id>/decline")
@login_required
def decline(booking_id: int):
    _papsy_only()
    try:
        bookings.decline(session(), current_user, booking_id, request.form.get("reason"))
    except InvalidData as exc:
        if "reason" not in exc.errors:
            return refused_back(exc, url_for("room.requests"))
        session().rollback()
        return _requests_page({booking_id: exc.errors["reason"]}, {booking_id: request.form.get("reason", "")}, 422)
    except EngineError as exc:
        return refused_back(exc, url_for("room.requests"))
    flash(_("De aanvraag is geweigerd; de vertrouwenspersoon krijgt de reden per mail."), "success")
    return redirect(url_for("room.requests"))


@bp.post("/bookings/<id:booking_id>/cancel")
@login_required
def cancel(booking_id: int):
    _may_see()
    back = url_for("room.index", _anchor="eigen")
    try:
        booking, was_approved = bookings.cancel(session(), current_user, booking_id)
    except EngineError as exc:
        return refused_back(exc, back)
    flash(_("Uw reservering is geannuleerd; het lokaal is weer vrij en u krijgt de annulering voor uw agenda.")
          if was_approved else _("Uw aanvraag is ingetrokken."), "success")
    return redirect(url_for("room.index", week=booking.day.isoformat(), _anchor="eigen"))


@bp.get("/bookings/<id:booking_id>.ics")
@login_required
def booking_file(booking_id: int):
    _may_see()
    booking = session().get(RoomBooking, booking_id)
    if booking is None or booking.status != BookingStatus.APPROVED \
            or not policy.can_open_room_booking_file(current_user, booking):
        abort(404)
    decider = session().get(User, booking.decided_by_id) if booking.decided_by_id else None
    response = Response(ics.booking_file(booking, decider, locale_of(current_user)),
                        content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="gesprekslokaal-{booking.day.isoformat()}.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response
