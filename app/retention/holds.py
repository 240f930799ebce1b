"""Legal holds (M27): a PAPSY of the dossier's entity stops the shredding of a closed dossier, with a reason, until
they or another PAPSY of the entity lift it. A held dossier gets no notice and is not shredded; once lifted, the
daily job takes it up again (a notice first if none was sent, and never shredding sooner than 30 days after it)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.dossiers import audit
from app.dossiers.audit import Action
from app.forms.validation import is_clean_text
from app.models import User
from app.models.dossiers import Dossier, LegalHold
from app.retention.services import RetentionRefused, active_hold

REASON_MIN, REASON_MAX = 10, 500


class NoSuchDossier(LookupError):
    """Not a dossier this PAPSY may hold: the same answer whether it exists or not."""


def dossier_for(session: Session, papsy: User, dossier_id: int, lock: bool = False) -> Dossier:
    """A closed dossier of one of ``papsy``'s entities (locked for the change when ``lock``)."""
    query = select(Dossier).where(Dossier.id == dossier_id)
    dossier = session.scalar(query.with_for_update() if lock else query)
    if dossier is None or dossier.closed_on is None or not policy.can_hold_dossier(papsy, dossier.entity_id):
        raise NoSuchDossier()
    return dossier


def set_hold(session: Session, papsy: User, dossier_id: int, reason: object) -> LegalHold:
    """Stop the shredding of the dossier until the hold is lifted; audited."""
    text = " ".join(str(reason or "").split())
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise RetentionRefused(_l("Geef de reden van de bewaring in %(min)s tot %(max)s tekens.", min=REASON_MIN,
                                  max=REASON_MAX))
    if not is_clean_text(text):  # a NUL byte: PostgreSQL refuses it, SQLite would keep it
        raise RetentionRefused(_l("Deze tekst bevat tekens die niet toegelaten zijn."))
    dossier = dossier_for(session, papsy, dossier_id, lock=True)  # the daily job locks the row before it shreds
    if dossier.shredded_at is not None:
        raise RetentionRefused(_l("Dit dossier werd al vernietigd: er valt niets meer te bewaren."))
    if active_hold(session, dossier.id) is not None:
        raise RetentionRefused(_l("Voor dit dossier loopt al een bewaring."))
    hold = LegalHold(dossier_id=dossier.id, reason=text, set_by_id=papsy.id, set_at=now())
    session.add(hold)
    session.flush()
    audit.record(session, papsy.id, dossier.id, Action.LEGAL_HOLD)
    return hold


def lift_hold(session: Session, papsy: User, dossier_id: int) -> LegalHold:
    """End the dossier's hold; the daily job takes the dossier up again. Audited."""
    dossier = dossier_for(session, papsy, dossier_id, lock=True)
    hold = active_hold(session, dossier.id)
    if hold is None:
        raise RetentionRefused(_l("Voor dit dossier loopt geen bewaring."))
    hold.lifted_by_id, hold.lifted_at = papsy.id, now()
    session.flush()
    audit.record(session, papsy.id, dossier.id, Action.LIFT_LEGAL_HOLD)
    return hold


def history(session: Session, dossier_id: int) -> list[LegalHold]:
    """The dossier's holds, newest first."""
    return list(session.scalars(select(LegalHold).where(LegalHold.dossier_id == dossier_id)
                                .order_by(LegalHold.set_at.desc(), LegalHold.id.desc())))
