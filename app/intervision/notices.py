"""Mails of the network's calendar that more than one kind of event sends (open sessions, trainings)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.intervision import invitations
from app.mail.outbox import current_settings, locale_of, queue_mail
from app.mail.render import format_due, one_line
from app.models import EventParticipant, NetworkEvent

PLACE_FREED = "place_freed"


def place_freed(session: Session, event: NetworkEvent, participant: EventParticipant, path: str | None = None) -> None:
    """``participant`` moved up from the waiting list: "Je hebt een plaats" by mail, and the calendar invitation.
    ``path`` is the page where they can unregister (the open session's page by default)."""
    user = participant.confidant.user
    if user is not None and user.active:
        locale = locale_of(user)
        queue_mail(session, user.email, PLACE_FREED, PLACE_FREED, {
            "title": one_line(event_title(event, locale)),
            "starts": format_due(event.starts_at, current_settings().display_timezone, locale),
            "place": one_line(event.place or event.online_url or ""),
            "path": path or f"/sessions/{event.id}",
        }, locale=locale)
    invitations.announce(session, event, [participant.confidant])


def event_title(event: NetworkEvent, locale: str | None = None) -> str:
    """The event's own title, else the name of its kind in ``locale``."""
    if event.title:
        return event.title
    english = locale == "en"
    names = {"open_gdpb": ("Open intervisie GDPB", "Open intervision GDPB"),
             "open_idewe": ("Open intervisie IDEWE", "Open intervision IDEWE")}
    dutch, other = names.get(str(event.kind), ("Sessie", "Session"))
    return other if english else dutch
