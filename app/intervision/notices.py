"""Mails about places in the network's sessions, for any kind of event (an open intervision session, a training,
an info session): through the outbox, in the recipient's language, with nothing but a title, a date and a link."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.mail.outbox import current_settings, locale_of, queue_mail
from app.mail.render import format_due, one_line
from app.models import EventParticipant, NetworkEvent, OutboxMessage
from app.models.intervision import TRAINING_KINDS

PLACE_FREED = "place_freed"


def place_freed(session: Session, participant: EventParticipant) -> OutboxMessage:
    """Tell ``participant``, who moved up from the waiting list, that a place became free and they are registered.
    An event without a title (an intervision session) is called "Intervisie" in the recipient's language."""
    event, confidant = participant.event, participant.confidant
    locale = locale_of(confidant.user) if confidant.user is not None else None
    context = {"title": one_line(event.title) if event.title else None,
               "starts_at": format_due(event.starts_at, current_settings().display_timezone, locale),
               "page": page_of(event)}
    return queue_mail(session, confidant.email, PLACE_FREED, PLACE_FREED, context, locale=locale)


def page_of(event: NetworkEvent) -> str | None:
    """The path of the event's own page, where the confidant can unregister (the trainings' pages; None otherwise)."""
    return f"/trainings/{event.id}" if event.kind in TRAINING_KINDS else None
