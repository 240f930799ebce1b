"""The evaluation as a reader sees it: its stored facts turned into words, per viewer. The PAPSY of the entity sees
per confidant the delicate-case consultations and whether a conversation about the role was called for; the EOC
secretary sees neither (they tell of cases and of a person's workload), only the entity's suppressed totals."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date, lazy_gettext as _l, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.evaluation import facts as names
from app.models import Evaluation, User, WorkingConversation

NOT_RECORDED = _l("niet geregistreerd")
SHARING = {"open": _l("nog niet gedeeld"), "submitted": _l("gedeeld, nog niet bevestigd"),
           "acknowledged": _l("gedeeld en bevestigd door de PAPSY"), "cancelled": _l("vervallen"),
           "late": _l("te laat")}
OUTCOMES = {"continues": _l("zet de rol voort"), "needs_support": _l("ondersteuning of opleiding nodig"),
            "considers_stopping": _l("overweegt de rol neer te leggen"), "other": _l("andere")}


@dataclass(frozen=True)
class ConfidantLine:
    name: str
    appointed_on: str
    ended_on: str | None
    training: str
    intervision: str
    sharing: str
    contacts: str
    consultations: int | None  # None: not for this viewer
    conversation: str | None  # the PAPSY's: whether one was called for, and where it stands
    conversation_id: int | None


@dataclass(frozen=True)
class EvaluationPage:
    entity: str
    code: str
    year: int
    generated_at: object
    min_cell: int
    dossiers: str
    consultations: str
    for_papsy: bool
    lines: list[ConfidantLine]


def _day(value: str | None) -> str:
    return format_date(date.fromisoformat(value), "medium") if value else ""


def count_words(cell: dict, k: int) -> str:
    return f"< {k}" if cell.get("suppressed") else str(cell.get("value"))


def training_words(state: str, on: str | None) -> str:
    return str({names.IN_TIME: _l("behaald op %(date)s, binnen 2 jaar", date=_day(on)),
                names.LATE: _l("behaald op %(date)s, na de termijn van 2 jaar", date=_day(on)),
                names.NOT_YET_DUE: _l("nog niet vereist: de termijn van 2 jaar loopt"),
                names.EXTENDED: _l("termijn verlengd tot %(date)s", date=_day(on)),
                names.NOT_OBTAINED: _l("niet behaald binnen de termijn")}.get(state, NOT_RECORDED))


def _intervision(half_days: int | None) -> str:
    if half_days is None:
        return str(NOT_RECORDED)
    return ngettext("%(num)d halve dag", "%(num)d halve dagen", half_days)


def _sharing(state: str | None) -> str:
    """The R8 sharing of the year; none asked (yet) before 1 December or of a confidant appointed after it."""
    return str(SHARING.get(state or "", _l("niet gevraagd")))


def _conversation(row: dict, held: dict[int, WorkingConversation]) -> str:
    if not row["quiet"]:
        return str(_l("niet nodig"))
    found = held.get(row["id"])
    if found is None or found.held_on is None:
        return str(_l("drie jaar zonder dossier: gesprek gevraagd"))
    return str(_l("gehouden op %(date)s: %(outcome)s", date=format_date(found.held_on, "medium"),
                  outcome=OUTCOMES.get(found.outcome or "", _l("andere"))))


def page_for(session: Session, viewer: User, evaluation: Evaluation) -> EvaluationPage:
    """The words of ``evaluation`` for ``viewer`` (who may read it: the caller asked the policy)."""
    found, k = evaluation.facts, evaluation.facts["min_cell"]
    for_papsy = policy.can_see_papsy_signals(viewer, evaluation.entity_id)
    held = {row.confidant_id: row for row in session.scalars(select(WorkingConversation).where(
        WorkingConversation.entity_id == evaluation.entity_id, WorkingConversation.year == evaluation.year))} \
        if for_papsy else {}
    lines = [ConfidantLine(
        name=row["name"], appointed_on=_day(row["appointed_on"]), ended_on=_day(row["ended_on"]) or None,
        training=training_words(row["training"], row["training_on"]), intervision=_intervision(row["half_days"]),
        sharing=_sharing(row["sharing"]), contacts=str(row["contacts"]),
        consultations=row["consultations"] if for_papsy else None,
        conversation=_conversation(row, held) if for_papsy else None,
        conversation_id=held[row["id"]].id if row["id"] in held else None) for row in found["confidants"]]
    return EvaluationPage(entity=found["entity"]["name"], code=found["entity"]["code"], year=evaluation.year,
                          generated_at=evaluation.generated_at, min_cell=k,
                          dossiers=count_words(found["dossiers"], k),
                          consultations=count_words(found["consultations"], k), for_papsy=for_papsy, lines=lines)
