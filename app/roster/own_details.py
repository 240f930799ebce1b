"""A confidant keeps their own published details (R14): the phone number and work location on the list."""
from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.engine.errors import InvalidData, NotAllowed
from app.models import Confidant, User
from app.roster.contact import clean_location, clean_phone

log = logging.getLogger(__name__)


def own_entry(session: Session, user: User) -> Confidant:
    """The user's own entry on the list, if they may keep its details; else refused with the reason."""
    confidant = session.scalar(select(Confidant).where(Confidant.user_id == user.id))
    if confidant is None or not policy.can_edit_published_details(user, confidant):
        raise NotAllowed(_l("Alleen een vertrouwenspersoon die op de lijst staat, past hier de eigen gegevens aan."))
    return confidant


def update_published_details(session: Session, user: User, form: dict) -> Confidant:
    """Keep the phone number and work location the confidant gives (empty: not published). Both are checked
    before either is kept; a change moves the list's last change (``Confidant.updated_at``)."""
    confidant = own_entry(session, user)
    phone, phone_error = clean_phone(form.get("phone"))
    location, location_error = clean_location(form.get("work_location"))
    errors = {field: message for field, message in (("phone", phone_error), ("work_location", location_error))
              if message}
    if errors:
        raise InvalidData(errors)
    confidant.phone, confidant.work_location = phone, location
    session.flush()
    log.info("confidant %s kept their published details", confidant.id)
    return confidant
