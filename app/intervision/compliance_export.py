"""The compliance view in words (the page and the CSV share them) and as CSV: statuses read as sentences in the
reader's language, never as stored values."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import now

from app.intervision.compliance import Attended, ConfidantCompliance, EntityCompliance, OwnStatus, Source, own_status
from app.models import CertificateStatus, EventParticipant, NetworkEvent, User
from app.models.intervision import TAKING_PART
from app.ui import format_date

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula


def training_words(row: ConfidantCompliance) -> str:
    """R11's basic training: "behaald op 13 mei 2024", "te laat sinds ...", "uiterlijk ..."."""
    on = format_date(row.training_on)
    return {"certified": lambda: _("behaald op %(date)s", date=on),
            "role_ended": lambda: _("rol beëindigd op %(date)s", date=on),
            "overdue": lambda: _("te laat sinds %(date)s", date=on),
            "due": lambda: _("uiterlijk %(date)s", date=on)}.get(row.training, lambda: _("niet gekend"))()


def half_days_words(attended: int, required: int) -> str:
    """"1 van 2 halve dagen"."""
    return _("%(attended)s van %(required)s halve dagen", attended=attended, required=required)


def days(value: Decimal) -> str:
    """"0,5 dag", "1 dag", "2 dagen" (in the reader's number format)."""
    number = format_decimal(value.normalize() if value else Decimal(0))
    return _("%(days)s dag", days=number) if 0 < value <= 1 else _("%(days)s dagen", days=number)


def recommendation_words(training_days: Decimal, recommended: Decimal) -> str:
    """R13, shown and never enforced: "aanbevolen: 1 dag — 0,5 dag gevolgd"."""
    return _("aanbevolen: %(recommended)s — %(done)s gevolgd", recommended=days(recommended), done=days(training_days))


def certificate_words(status: str) -> str:
    return {CertificateStatus.APPROVED: lambda: _("attest goedgekeurd"),
            CertificateStatus.PENDING: lambda: _("attest wacht op beoordeling"),
            CertificateStatus.REJECTED: lambda: _("attest afgekeurd"),
            CertificateStatus.AWAITED: lambda: _("attest nog niet ingediend")}[CertificateStatus(status)]()


def session_words(attended: Attended) -> str:
    """"eigen groep (Groep Gent), 12 mrt. 2027", "open groep van de GDPB, ...", "IDEWE, ...: attest goedgekeurd"."""
    on = format_date(attended.on)
    if attended.source == Source.OWN_GROUP:
        where = _("eigen groep (%(group)s)", group=attended.group) if attended.group else _("eigen groep")
    elif attended.source == Source.OPEN_GDPB:
        where = _("open groep van de GDPB")
    else:
        return _("IDEWE, %(date)s: %(certificate)s", date=on, certificate=certificate_words(attended.certificate))
    return _("%(where)s, %(date)s", where=where, date=on)


def closed_words(row: ConfidantCompliance) -> str:
    if row.closed_short is None:
        return ""
    return _("jaar afgesloten: te weinig") if row.closed_short else _("jaar afgesloten: in orde")


def own_status_words(status: OwnStatus) -> str:
    """"Intervisie 2027: 1 van 2 halve dagen"."""
    return _("Intervisie %(year)s: %(half_days)s", year=status.year,
             half_days=half_days_words(status.half_days, status.required_half_days))


@dataclass(frozen=True)
class OwnPanel:
    """The home page's panel of a confidant: their year's intervision and training, their next session."""

    status: OwnStatus
    heading: str
    recommendation: str
    next_session: NetworkEvent | None


def own_panel(session: Session, user: User) -> OwnPanel | None:
    status = own_status(session, user)
    if status is None:
        return None
    return OwnPanel(status, own_status_words(status),
                    recommendation_words(status.training_days, status.recommended_training_days),
                    next_session(session, status.confidant_id))


def next_session(session: Session, confidant_id: int) -> NetworkEvent | None:
    """The first session ahead that the confidant takes part in (their group's, an open one, a training)."""
    return session.scalar(select(NetworkEvent).join(EventParticipant, EventParticipant.event_id == NetworkEvent.id)
                          .where(EventParticipant.confidant_id == confidant_id,
                                 EventParticipant.status.in_(TAKING_PART), NetworkEvent.cancelled_at.is_(None),
                                 NetworkEvent.starts_at > now())
                          .order_by(NetworkEvent.starts_at).limit(1))


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(report: EntityCompliance) -> str:
    """A header row and a row per confidant; UTF-8 with a byte order mark, so that spreadsheets read the accents."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Naam"), _("E-mail"), _("Entiteit"), _("Jaar"), _("Basisopleiding"),
                     _("Halve dagen intervisie gevolgd"), _("Halve dagen vereist"), _("Intervisie in orde"),
                     _("Waar"), _("Dagen bijkomende opleiding"), _("Aanbevolen dagen opleiding"),
                     _("Aanbeveling opleiding gevolgd"), _("Jaarafsluiting")])
    yes, no = _("ja"), _("nee")
    for row in report.rows:
        writer.writerow([safe_cell(value) for value in (
            row.name, row.email, report.entity.code, report.year, training_words(row), row.half_days,
            row.required_half_days, yes if row.compliant else no,
            "; ".join(session_words(attended) for attended in row.sessions),
            format_decimal(row.training_days.normalize()) if row.training_days else "0",
            format_decimal(row.recommended_training_days), yes if row.recommendation_met else no,
            closed_words(row))])
    return "\ufeff" + out.getvalue()
