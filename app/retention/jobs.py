"""The daily retention job (M27): tell the confidants 30 days before, then shred what is due.

It runs once a day from 02:00 (app/periodic.py; `vertrouwd periodic run retention.daily` by hand), in one
transaction: a failure keeps nothing, and the next round tries again. Shredding first, then the notices, so that a
dossier is never told and shredded in the same run: a notice is always at least 30 days old when it is shredded.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.mail.outbox import current_settings, locale_of, queue_mail
from app.mail.render import format_due, one_line
from app.models import Entity, Role, User, UserRole
from app.periodic import periodic
from app.retention import services

log = logging.getLogger(__name__)
NOTICE = "retention_notice"


@periodic("retention.daily", hour=2)
def daily(session: Session, moment: datetime) -> int:
    """Shred the dossiers that are due, then send the notices of those whose turn comes in 30 days; returns how many
    dossiers were shredded or noticed."""
    today = moment.astimezone(ZoneInfo(current_settings().display_timezone)).date()
    shredded = services.shred_many(session, services.due_for_shredding(session, today))
    noticed = send_notices(session, today)
    log.info("retention: %d dossier(s) shredded, %d notified", len(shredded), noticed)
    return len(shredded) + noticed


def send_notices(session: Session, today: date) -> int:
    """One mail per confidant listing their dossiers due in 30 days (numbers and opening dates only); a confidant
    who no longer uses Vertrouwd is replaced by the PAPSY of the entity. Each dossier's notice date is kept."""
    due = services.due_for_notice(session, today)
    services.mark_noticed(session, [dossier.id for dossier in due], today)
    by_recipient: dict[tuple[int, bool, int], list[Row]] = defaultdict(list)  # a PAPSY's mail: per entity
    papsy_of: dict[int, list[User]] = {}
    for dossier in due:
        recipients = _recipients(session, dossier, papsy_of)
        if not recipients:  # its date is kept all the same: the hold is the PAPSY's, and there is none to ask
            log.warning("retention: nobody to tell of the shredding of dossier %s (no active PAPSY of its entity)",
                        dossier.id)
        for recipient, for_papsy in recipients:
            by_recipient[(recipient.id, for_papsy, dossier.entity_id if for_papsy else 0)].append(dossier)
    shred_on = today + timedelta(days=services.NOTICE_DAYS)  # every dossier told today: the same day
    for (user_id, for_papsy, _entity), dossiers in by_recipient.items():
        _mail(session, session.get(User, user_id), dossiers, shred_on, for_papsy)
    return len(due)


def _recipients(session: Session, dossier: Row, papsy_of: dict[int, list[User]]) -> list[tuple[User, bool]]:
    """The dossier's confidant; else (deactivated, or no longer a confidant) the active PAPSY of its entity, who
    can still set a hold."""
    confidant = session.get(User, dossier.confidant_id)
    if confidant is not None and confidant.active and policy.can_keep_dossiers(confidant):
        return [(confidant, False)]
    if dossier.entity_id not in papsy_of:
        papsy = session.scalars(select(User).join(UserRole).where(
            UserRole.role == Role.PAPSY.value, User.active.is_(True)).order_by(User.id))
        papsy_of[dossier.entity_id] = [user for user in papsy if policy.can_hold_dossier(user, dossier.entity_id)]
    return [(user, True) for user in papsy_of[dossier.entity_id]]


def _mail(session: Session, recipient: User, dossiers: list[Row], shred_on: date, for_papsy: bool) -> None:
    locale, zone = locale_of(recipient), current_settings().display_timezone
    entity = session.get(Entity, dossiers[0].entity_id)
    queue_mail(session, recipient.email, NOTICE, NOTICE, {
        "count": len(dossiers), "shred_on": format_due(shred_on, zone, locale), "for_papsy": for_papsy,
        "entity": one_line(entity.name if entity else ""), "years": services.retention_years(),
        "dossiers": [{"number": dossier.id, "opened_on": format_due(dossier.opened_on, zone, locale)}
                     for dossier in dossiers]}, locale=locale)
