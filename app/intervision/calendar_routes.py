"""The calendar: the month page of the sessions a user may see, a session's calendar file, the personal feed (a
secret URL, no login) and, on the account page, making, renewing and revoking that feed's link."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import i18n
from app.auth import policy
from app.clock import now
from app.db import session as db_session
from app.engine.errors import InvalidData
from app.intervision import calendar, feeds, ics
from app.intervision.calendar import Month
from app.intervision.events import BRUSSELS
from app.mail.outbox import locale_of
from app.models import EventKind, NetworkEvent, Role, User
from app.ui import written_date

bp = Blueprint("intervision_calendar", __name__)
NEW_FEED = "calendar_feed_token"  # the session key that carries a new token to the one page that shows it
SECTION = "agenda-abonnement"  # the account page's section (its anchor)
KIND_LABELS = {EventKind.GROUP_SESSION: _l("intervisie in de eigen groep"),
               EventKind.OPEN_GDPB: _l("open intervisie van de GDPB"),
               EventKind.OPEN_IDEWE: _l("open intervisie van IDEWE"),
               EventKind.TRAINING: _l("opleiding"), EventKind.INFO_SESSION: _l("infosessie")}


@bp.get("/calendar")
@login_required
def index():
    if not policy.can_view_calendar(current_user):
        abort(403)
    month, refusal = Month.of(now()), None
    if request.args.get("month"):
        try:
            month = Month.parse(request.args["month"])
        except InvalidData as exc:
            refusal = exc
    rows = [Row.of(event) for event in calendar.month_events(db_session(), current_user, month)]
    return render_template("intervision/calendar.html", month=month, rows=rows, refusal=refusal,
                           everything=current_user.has_role(Role.PAPSY),
                           month_name=format_date(month.starts_at.date(), "LLLL yyyy"),
                           asked=request.args.get("month", str(month))), 400 if refusal else 200


@bp.get("/calendar/events/<id:event_id>.ics")
@login_required
def event_file(event_id: int):
    event = calendar.visible_event(db_session(), current_user, event_id)
    if event is None:
        abort(404)
    return calendar_response(ics.publication([event], locale_of(current_user)), f"sessie-{event.id}.ics")


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """The personal feed: whoever holds the link, without a login (calendar applications have none)."""
    owner = feeds.owner(db_session(), token)
    if owner is None:
        abort(404)
    locale, events = locale_of(owner), calendar.feed_events(db_session(), owner)
    etag = calendar.fingerprint(events, locale)
    if request.if_none_match.contains(etag):  # asked again and nothing changed: the application keeps what it has
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    with ics.in_language(locale):
        name = _("Vertrouwd: mijn sessies")
    response = calendar_response(ics.publication(events, locale, name=name), "vertrouwd.ics", inline=True)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"  # may be kept, but asked again each time (If-None-Match)
    return response


@bp.post("/account/calendar-feed")
@login_required
def renew_feed():
    if not policy.can_view_calendar(current_user):
        abort(403)
    session[NEW_FEED] = feeds.renew(db_session(), current_user)
    return redirect(url_for("auth.password", _anchor=SECTION))


@bp.post("/account/calendar-feed/revoke")
@login_required
def revoke_feed():
    if not policy.can_view_calendar(current_user):
        abort(403)
    if feeds.revoke(db_session(), current_user):
        flash(_("Uw agenda-link is ingetrokken: agenda's die hem gebruikten, krijgen geen sessies meer."), "info")
    return redirect(url_for("auth.password", _anchor=SECTION))


def account_section(user: User) -> dict:
    """What the account page shows of the user's feed: whether they may have one, the current one, and a new link
    (in full, this once)."""
    if not policy.can_view_calendar(user):
        return {"calendar_feed_allowed": False}
    token = session.pop(NEW_FEED, None)
    public_url = current_app.extensions["vertrouwd_settings"].public_url
    return {"calendar_feed_allowed": True, "calendar_feed": feeds.feed_of(db_session(), user),
            "calendar_feed_url": public_url + url_for("intervision_calendar.feed", token=token) if token else None}


def calendar_response(body: bytes, filename: str, inline: bool = False) -> Response:
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class Row:
    """One session as the month page shows it: in Brussels time and in words."""

    event: NetworkEvent
    day: date
    weekday: str
    written: str  # the day as pages write it: "9 mrt. 2027"
    time: str
    kind: str
    name: str
    link: str | None

    @classmethod
    def of(cls, event: NetworkEvent) -> Row:
        locale = i18n.display().locale
        starts, ends = event.starts_at.astimezone(BRUSSELS), event.ends_at.astimezone(BRUSSELS)
        until = f"{ends:%H:%M}" if ends.date() == starts.date() else f"{written_date(ends.date(), locale)} {ends:%H:%M}"
        name = event.group.name if event.kind == EventKind.GROUP_SESSION and event.group else \
            event.title or str(KIND_LABELS[event.kind])
        return cls(event, starts.date(), format_date(starts.date(), "EEEE"), written_date(starts.date(), locale),
                   f"{starts:%H:%M}–{until}", str(KIND_LABELS[event.kind]), name, web_link(event.online_url))


def web_link(url: str | None) -> str | None:
    """An online link as a link only when it is a web address (never javascript: or the like)."""
    return url if url and url.lower().startswith(("https://", "http://")) else None
