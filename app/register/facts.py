"""A confidant's register of facts by third parties (R20): record, list, read and correct a fact.

The categorical facts (date, kind, context, the third party's category, the victim's function) are in clear for the
register report; the description is a sealed text for the confidant and the recovery key only, as a dossier note
(not for the PAPSY). A register keeps its history: nobody deletes a fact; its confidant corrects it, and every
opening and writing of a description is audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.crypto import sealed_texts
from app.crypto.keys import CryptoError
from app.dossiers import audit
from app.dossiers.audit import Action
from app.dossiers.services import today
from app.engine.errors import InvalidData, NotAllowed
from app.models import Confidant, PreventionMeasure, SealedText, ThirdPartyFact, User
from app.models.dossiers import ReaderKind
from app.register import choices

PURPOSE = "third_party_fact"
DESCRIPTION_LIMIT = 5000
EARLIEST = date(2000, 1, 1)
FIELDS = ("occurred_on", "kind", "context", "third_party", "victim_function", "description")


@dataclass(frozen=True)
class FactInput:
    occurred_on: date
    kind: str
    context: str
    third_party: str
    victim_function: str | None
    description: str


@dataclass(frozen=True)
class FactView:
    """A fact as its confidant sees it; ``description`` None when their key cannot open it (a reset password)."""

    fact: ThirdPartyFact
    description: str | None
    measures: list[PreventionMeasure]


def keeper_or_refuse(session: Session, user: User) -> Confidant:
    keeper = policy.register_keeper(session, user)
    if keeper is None:
        raise NotAllowed(str(_l("Het register van feiten door derden is voor vertrouwenspersonen.")))
    return keeper


def parse_fact(form) -> tuple[FactInput | None, dict[str, str], dict[str, str]]:
    """The fact form: (the input, or None when something is wrong; the values typed; a message per field)."""
    values = {name: (form.get(name) or "").strip() for name in FIELDS}
    values["description"] = (form.get("description") or "").strip()
    errors: dict[str, str] = {}
    occurred_on = _date(values["occurred_on"][:20])
    if occurred_on is None:
        errors["occurred_on"] = str(_l("Geef de datum van het feit."))
    elif occurred_on > today():
        errors["occurred_on"] = str(_l("Het feit kan niet in de toekomst liggen."))
    elif occurred_on < EARLIEST:
        errors["occurred_on"] = str(_l("Geef een datum na 1 januari 2000."))
    for name, allowed, message in (
            ("kind", choices.KINDS, _l("Kies de aard van het feit.")),
            ("context", choices.CONTEXTS, _l("Kies waar het feit gebeurde.")),
            ("third_party", choices.THIRD_PARTIES, _l("Kies wie de derde was."))):
        if values[name] not in allowed:
            errors[name] = str(message)
    if values["victim_function"] and values["victim_function"] not in choices.VICTIM_FUNCTIONS:
        errors["victim_function"] = str(_l("Kies een functie uit de lijst, of geen."))
    if not values["description"]:
        errors["description"] = str(_l("Beschrijf kort wat er gebeurde."))
    elif len(values["description"]) > DESCRIPTION_LIMIT:
        errors["description"] = str(_l("De beschrijving is te lang: hoogstens %(limit)d tekens.",
                                       limit=DESCRIPTION_LIMIT))
    values = {name: value[:DESCRIPTION_LIMIT if name == "description" else 30] for name, value in values.items()}
    if errors:
        return None, values, errors
    return FactInput(occurred_on, values["kind"], values["context"], values["third_party"],
                     values["victim_function"] or None, values["description"]), values, {}


def record_fact(session: Session, user: User, given: FactInput) -> ThirdPartyFact:
    """A new fact in the user's register, its description sealed for them and the recovery key; audited."""
    keeper = keeper_or_refuse(session, user)
    fact = ThirdPartyFact(confidant_id=keeper.id, entity_id=keeper.entity_id)
    _apply(fact, given)
    session.add(fact)
    session.flush()
    fact.description_id = _seal(session, user, given.description).id
    audit.record(session, user.id, fact.id, Action.WRITE_THIRD_PARTY_FACT)
    return fact


def correct_fact(session: Session, user: User, fact_id: int, given: FactInput) -> ThirdPartyFact:
    """The confidant corrects their fact: the facts in clear, and the description sealed anew; audited."""
    fact = own_fact(session, user, fact_id)
    _apply(fact, given)
    sealed = _seal(session, user, given.description, into=session.get(SealedText, fact.description_id) if fact.description_id else None)
    fact.description_id = sealed.id
    audit.record(session, user.id, fact.id, Action.WRITE_THIRD_PARTY_FACT)
    return fact


def read_fact(session: Session, user: User, fact_id: int, private: bytes) -> FactView:
    """The fact with its description opened with the user's key (audited) and its measures."""
    fact = own_fact(session, user, fact_id)
    description = None
    if fact.description_id is not None:
        try:
            description = sealed_texts.open_text(session, fact.description_id, ReaderKind.OWNER.value, user.id,
                                                 private)
        except CryptoError:
            description = None  # sealed for an earlier key pair of the user (a password reset)
        if description is not None:
            audit.record(session, user.id, fact.id, Action.READ_THIRD_PARTY_FACT)
    measures = list(session.scalars(select(PreventionMeasure).where(PreventionMeasure.fact_id == fact.id)
                                    .order_by(PreventionMeasure.id)))
    return FactView(fact, description, measures)


def own_fact(session: Session, user: User, fact_id: int) -> ThirdPartyFact:
    """One of the user's own facts; another's is LookupError (404), as one that does not exist."""
    keeper = keeper_or_refuse(session, user)
    fact = session.get(ThirdPartyFact, fact_id)
    if fact is None or fact.confidant_id != keeper.id:
        raise LookupError("no such fact")
    return fact


def own_facts(session: Session, user: User, year: int | None) -> list[ThirdPartyFact]:
    """The user's facts, newest first; of one year when ``year`` is given."""
    keeper = keeper_or_refuse(session, user)
    query = select(ThirdPartyFact).where(ThirdPartyFact.confidant_id == keeper.id)
    if year is not None:
        query = query.where(extract("year", ThirdPartyFact.occurred_on) == year)
    return list(session.scalars(query.order_by(ThirdPartyFact.occurred_on.desc(), ThirdPartyFact.id.desc())))


def years_of(session: Session, user: User) -> list[int]:
    """The years in which the user's register holds a fact, newest first (for the filter)."""
    keeper = keeper_or_refuse(session, user)
    years = session.scalars(select(extract("year", ThirdPartyFact.occurred_on)).distinct()
                            .where(ThirdPartyFact.confidant_id == keeper.id))
    return sorted({int(year) for year in years}, reverse=True)


def measure_counts(session: Session, fact_ids: list[int]) -> dict[int, int]:
    """How many measures each fact has (one query, for the list)."""
    counts: dict[int, int] = {}
    if fact_ids:
        for fact_id in session.scalars(select(PreventionMeasure.fact_id).where(PreventionMeasure.fact_id.in_(fact_ids))):
            counts[fact_id] = counts.get(fact_id, 0) + 1
    return counts


def values_of(view: FactView) -> dict[str, str]:
    """The correction form's values: the fact as it is, its description opened."""
    fact = view.fact
    return {"occurred_on": fact.occurred_on.isoformat(), "kind": fact.kind, "context": fact.context,
            "third_party": fact.third_party, "victim_function": fact.victim_function or "",
            "description": view.description or ""}


def _apply(fact: ThirdPartyFact, given: FactInput) -> None:
    fact.occurred_on, fact.kind, fact.context = given.occurred_on, given.kind, given.context
    fact.third_party, fact.victim_function = given.third_party, given.victim_function


def _seal(session: Session, user: User, text: str, into: SealedText | None = None) -> SealedText:
    readers, missing = sealed_texts.readers_for(session, user.id)  # the confidant and recovery: never the PAPSY
    if missing:
        raise InvalidData({"description": str(_l("Uw sleutel ontbreekt nog: meld u opnieuw aan en probeer het dan "
                                                 "nog eens."))})
    return sealed_texts.seal(session, PURPOSE, text, readers, into=into)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
