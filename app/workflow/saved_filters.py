"""Inbox filters a person saves under a name: their query string, checked by the inbox's own parser."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app.engine.errors import InvalidData, NotFound
from app.forms.validation import is_clean_text
from app.models import SavedFilter, User
from app.workflow import inbox

MAX_FILTERS, MAX_NAME = 20, 60


_FILTERS_OF = (select(SavedFilter).where(SavedFilter.user_id == bindparam("user_id"))
               .order_by(func.lower(SavedFilter.name), SavedFilter.id))  # built once: the inbox asks on every page


def filters_of(session: Session, user: User) -> list[SavedFilter]:
    return list(session.scalars(_FILTERS_OF, {"user_id": user.id}))


def save(session: Session, user: User, name: object, query_string: object) -> SavedFilter:
    """Keep the inbox filter ``query_string`` (without its page) under ``name``, unique per user."""
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > MAX_NAME or not is_clean_text(name):
        raise InvalidData({"name": str(_l("Geef de filter een naam van 1 tot %(max)d tekens.", max=MAX_NAME))})
    try:
        query = inbox.check_query_string(session, query_string if isinstance(query_string, str) else "")
    except InvalidData:
        raise InvalidData({"query": str(_l("Deze filter klopt niet; kies hem opnieuw in de takenlijst."))}) from None
    mine = filters_of(session, user)
    if any(saved.name.lower() == name.lower() for saved in mine):
        raise InvalidData({"name": str(_l("U hebt al een filter met deze naam."))})
    if len(mine) >= MAX_FILTERS:
        raise InvalidData({"name": str(_l("U bewaarde al %(max)d filters; verwijder er eerst een.", max=MAX_FILTERS))})
    saved = SavedFilter(user_id=user.id, name=name, query=query.query_string())
    session.add(saved)
    session.flush()
    return saved


def delete(session: Session, user: User, filter_id: int) -> SavedFilter:
    """Remove one of the user's own filters; another's is as unknown as a missing one."""
    saved = session.get(SavedFilter, filter_id)
    if saved is None or saved.user_id != user.id:
        raise NotFound(_l("Deze filter bestaat niet."))
    session.delete(saved)
    session.flush()
    return saved
