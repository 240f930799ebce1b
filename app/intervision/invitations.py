"""Calendar invitations by mail: one mail per participant with an .ics attachment (METHOD:REQUEST for a new or
changed session, METHOD:CANCEL for a cancelled one or a participant who no longer takes part)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import Confidant, NetworkEvent


def announce(session: Session, event: NetworkEvent, confidants: list[Confidant], cancel: bool = False) -> None:
    """Queue the invitation (or its cancellation) of ``event`` for each of ``confidants`` with an account."""
    raise NotImplementedError  # built by the calendar work (ics.py, the outbox's attachment)
