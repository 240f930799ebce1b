"""Calendar invitations by mail: one mail per participant with an .ics attachment (METHOD:REQUEST for a new or
changed session, METHOD:CANCEL for a cancelled one or a participant who no longer takes part).

The attachment carries the event's stable UID and its SEQUENCE, so the participant's calendar replaces (or removes)
the entry it already holds. The mail and the file say only what the event holds: its kind, title or group, date,
times, place and online link.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from app import ui
from app.intervision import ics
from app.intervision.events import BRUSSELS
from app.mail.outbox import Attachment, locale_of, queue_mail
from app.mail.render import one_line
from app.models import Confidant, NetworkEvent, OutboxMessage, User

INVITATION, CANCELLATION = "session_invitation", "session_cancelled"
FILE_NAMES = {INVITATION: "uitnodiging.ics", CANCELLATION: "annulering.ics"}


def announce(session: Session, event: NetworkEvent, confidants: list[Confidant], cancel: bool = False) -> None:
    """Queue the invitation (or its cancellation) of ``event`` for each of ``confidants`` with an active account.

    A cancelled event (``events.cancel`` raised its sequence) goes out as METHOD:CANCEL. ``cancel=True`` for an event
    that still takes place tells these confidants that they no longer take part: their entry is removed with a
    CANCEL whose SEQUENCE is raised here first, so that every calendar accepts it (and later changes, sent to the
    others with a higher sequence still, are accepted there too)."""
    cancelling = cancel or event.cancelled_at is not None
    if cancel and event.cancelled_at is None and confidants:
        event.sequence += 1
        session.flush()
    for confidant in confidants:
        user = recipient(session, confidant)
        if user is not None:
            queue_invitation(session, event, confidant, user, cancelling)


def recipient(session: Session, confidant: Confidant) -> User | None:
    """The confidant's account, when they have one that is active (a deactivated account gets no mail)."""
    if confidant.user_id is None:
        return None
    user = session.get(User, confidant.user_id)
    return user if user is not None and user.active else None


def queue_invitation(session: Session, event: NetworkEvent, confidant: Confidant, user: User,
                     cancelling: bool) -> OutboxMessage:
    locale = locale_of(user)
    template = CANCELLATION if cancelling else INVITATION
    method = ics.CANCEL if cancelling else ics.REQUEST
    calendar = ics.invitation(event, confidant.name, user.email, locale, method)
    attachment = Attachment(FILE_NAMES[template], f"text/calendar; method={method}; charset=utf-8",
                            calendar.decode("utf-8"))
    return queue_mail(session, user.email, template, template, mail_fields(event, locale), locale=locale,
                      attachment=attachment)


def mail_fields(event: NetworkEvent, locale: str) -> dict:
    """What the mail shows of ``event``, in ``locale``: its name, day and times in Brussels, place and link."""
    starts, ends = event.starts_at.astimezone(BRUSSELS), event.ends_at.astimezone(BRUSSELS)
    with ics.in_language(locale):
        name = ics.kind_title(event)
    return {
        "summary": one_line(name),
        "date": ui.written_date(starts.date(), locale),
        "start_time": starts.strftime("%H:%M"),
        "end_date": ui.written_date(ends.date(), locale) if ends.date() != starts.date() else None,
        "end_time": ends.strftime("%H:%M"),
        "place": one_line(event.place) if event.place else None,
        "online_url": one_line(event.online_url, 500) if event.online_url else None,
        "changed": event.sequence > 0,
        "event_cancelled": event.cancelled_at is not None,
        "month": f"{starts.year:04d}-{starts.month:02d}",
    }
