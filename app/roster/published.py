"""The published list of active confidants (R14): the public page and the intranet's feeds (JSON, CSV).

Only the active confidants, and of them only what is published: name, entity, e-mail, and the phone number and work
location they gave. A confidant who becomes inactive, returns or leaves changes their row, and with it the list's
last change (the latest ``Confidant.updated_at`` of every confidant, so that leaving the list moves it too) and the
feeds' ETag (a hash of the exact bytes served)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.accounts import entity_by_code
from app.engine.errors import InvalidData
from app.models import Confidant, ConfidantStatus, Entity
from app.roster import spreadsheet
from app.roster.contact import phone_cell, tel_uri

CSV_HEADER = ["Naam", "Entiteit", "Code entiteit", "E-mail", "Telefoon", "Werkplaats"]  # the feeds speak Dutch


@dataclass(frozen=True)
class Published:
    """A confidant as the list publishes them: nothing else of theirs leaves the platform here."""

    name: str
    email: str
    phone: str | None
    work_location: str | None
    entity_code: str
    entity_name: str

    @property
    def tel(self) -> str | None:
        return tel_uri(self.phone)


@dataclass(frozen=True)
class PublishedList:
    """The active confidants (of ``entity``, or of every entity) by entity and name, and when the list last
    changed (None: there never was a confidant)."""

    confidants: list[Published]
    entity: Entity | None
    changed_at: datetime | None

    def by_entity(self) -> list[tuple[str, str, list[Published]]]:
        """(entity code, entity name, its confidants), in the list's order."""
        groups: list[tuple[str, str, list[Published]]] = []
        for row in self.confidants:
            if not groups or groups[-1][0] != row.entity_code:
                groups.append((row.entity_code, row.entity_name, []))
            groups[-1][2].append(row)
        return groups


def published_list(session: Session, entity_code: str | None = None) -> PublishedList:
    """The list as it is published now; ``entity_code`` (None or "": every entity) must name an entity."""
    entity = entity_by_code(session, entity_code) if entity_code else None
    if entity_code and entity is None:
        raise InvalidData({"entity": _l("Onbekende entiteit. Kies een entiteit uit de lijst.")},
                          "Onbekende entiteit.")
    query = (select(Confidant.name, Confidant.email, Confidant.phone, Confidant.work_location, Entity.code,
                    Entity.name)
             .join(Entity, Entity.id == Confidant.entity_id).where(Confidant.status == ConfidantStatus.ACTIVE)
             .order_by(Entity.name, Entity.code, Confidant.name, Confidant.id))
    if entity is not None:
        query = query.where(Confidant.entity_id == entity.id)
    return PublishedList([Published(*row) for row in session.execute(query)], entity, last_change(session))


def last_change(session: Session) -> datetime | None:
    """The latest change of any confidant, listed or not: becoming inactive, returning or leaving moves it."""
    return session.scalar(select(func.max(Confidant.updated_at)))  # max() keeps the column's type: aware, UTC


def json_body(listing: PublishedList) -> bytes:
    """``{"confidants": [...], "entity": CODE or null, "updated_at": ISO 8601 UTC or null}``, always the same bytes
    for the same list (its ETag is their hash)."""
    return json.dumps({
        "confidants": [{"name": row.name, "entity": row.entity_code, "entity_name": row.entity_name,
                        "email": row.email, "phone": row.phone, "work_location": row.work_location}
                       for row in listing.confidants],
        "entity": listing.entity.code if listing.entity else None,
        "updated_at": _iso(listing.changed_at),
    }, ensure_ascii=False, separators=(",", ":")).encode()


def csv_body(listing: PublishedList) -> bytes:
    """The same list for a spreadsheet (``spreadsheet``: semicolons, UTF-8 with a byte order mark)."""
    rows = ([row.name, row.entity_name, row.entity_code, row.email, phone_cell(row.phone), row.work_location]
            for row in listing.confidants)
    return spreadsheet.csv_text(CSV_HEADER, rows).encode()


def fingerprint(body: bytes) -> str:
    """A strong ETag: the SHA-256 of the exact bytes served (shortened; 128 bits)."""
    return hashlib.sha256(body).hexdigest()[:32]


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z") if moment else None
