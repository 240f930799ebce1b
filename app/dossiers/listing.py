"""The confidant's dossier list: filters on the categorical facts, and a page of rows ready to show.

Nothing sealed is read. A page is its count and one select of the columns it shows with those rows' themes and
persons; its words (labels, dates, states) are looked up once per page, so the template only writes them out.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import ScalarSelect, Subquery, exists, func, null, select
from sqlalchemy.orm import Session

from app import i18n, ui
from app.auth import policy
from app.clock import now
from app.models import User
from app.models.dossiers import Dossier, DossierFact, EscalationState, FactKind, Intervention, PersonLevel, Theme
from app.retention import services as retention

PAGE_SIZE = 50
FactLabels = Mapping[str, Mapping[str, str]]  # FactKind -> value -> its label (a value without one shows as is)
FactTexts = tuple[list[str], list[str]]  # a dossier's theme labels, its person labels
# Where a delicate open case stands with the PAPSY (R9): in the list and, through dossier_step, on its own page.
STEP_LABELS = {EscalationState.SUMMARY_PENDING: _l("samenvatting schrijven"),
               EscalationState.WITH_PAPSY: _l("bij de PAPSY"), EscalationState.CONSULTED: _l("overleg vastgelegd")}


def step_label(state: str | None) -> str | None:
    label = STEP_LABELS.get(state)
    return str(label) if label is not None else None


_SHOWN = (Dossier.id, Dossier.opened_on, Dossier.closed_on, Dossier.delicate, Dossier.escalation_state,
          Dossier.retention_notice_on, Dossier.shredded_at, retention.held().label("held"))


@dataclass(frozen=True)
class Filters:
    theme: str | None = None
    person: str | None = None
    intervention: str | None = None
    status: str | None = None  # "open" / "closed"
    delicate: bool | None = None


FILTER_CHOICES = {"theme": {member.value: member.value for member in Theme},
                  "person": {member.value: member.value for member in PersonLevel},
                  "intervention": {member.value: member.value for member in Intervention},
                  "status": {"open": "open", "closed": "closed"}, "delicate": {"yes": True, "no": False}}


@dataclass(slots=True)
class ListRow:
    """One dossier of the list in words: its number and the facts kept in clear."""

    id: int
    title: str  # "Dossier 12"
    opened_on: str
    themes: str  # labels, comma-separated
    persons: str
    status: str  # "lopend", "afgesloten op 2 dec. 2026; vernietiging op 2 dec. 2031" (M27)
    delicate: bool
    step: str  # a delicate open case's step with the PAPSY, or ""


def parse_filters(args) -> tuple[Filters, dict[str, str]]:
    """The list's filters from the query string, and a message per value that is not one of the choices (that
    filter is left out; the list shows the rest)."""
    chosen, errors = {}, {}
    for name, choices in FILTER_CHOICES.items():
        value = args.get(name) or ""
        if value in choices:
            chosen[name] = choices[value]
        elif value:
            errors[name] = gettext("Deze keuze bestaat niet; deze filter werd niet toegepast.")
    return Filters(**chosen), errors


def list_for(session: Session, confidant: User, filters: Filters, page: int = 1,
             labels: FactLabels | None = None) -> tuple[list[ListRow], int]:
    """A page of the confidant's own dossiers, newest first, filtered on the categorical facts, and their total."""
    if not policy.can_hold_dossiers(confidant):
        return [], 0
    conditions = [Dossier.confidant_id == confidant.id, *_chosen(filters)]
    counted = select(func.count(Dossier.id)).where(*conditions)
    offset = (max(page, 1) - 1) * PAGE_SIZE
    shown = (select(*_SHOWN).where(*conditions).order_by(Dossier.opened_on.desc(), Dossier.id.desc())
             .limit(PAGE_SIZE).offset(offset).subquery())
    rows, total = _rows(session, shown, labels or {}, counted.scalar_subquery())
    if total is None:  # no dossier on this page: none at all, or a page past the last
        total = session.scalar(counted) if offset else 0
    return rows, total


def rows_for(session: Session, confidant: User, ids: Sequence[int], labels: FactLabels | None = None) -> list[ListRow]:
    """The rows of these dossiers of the confidant's, in the order of ``ids`` (a search's finds)."""
    if not ids or not policy.can_hold_dossiers(confidant):
        return []
    shown = select(*_SHOWN).where(Dossier.confidant_id == confidant.id, Dossier.id.in_(ids)).subquery()
    found = {row.id: row for row in _rows(session, shown, labels or {})[0]}
    return [found[dossier_id] for dossier_id in ids if dossier_id in found]


def _chosen(filters: Filters) -> list:
    conditions = [exists().where(DossierFact.dossier_id == Dossier.id, DossierFact.kind == kind,
                                 DossierFact.value == value)
                  for kind, value in ((FactKind.THEME, filters.theme), (FactKind.PERSON, filters.person),
                                      (FactKind.INTERVENTION, filters.intervention)) if value]
    if filters.status == "open":
        conditions.append(Dossier.closed_on.is_(None))
    elif filters.status == "closed":
        conditions.append(Dossier.closed_on.is_not(None))
    if filters.delicate is not None:
        conditions.append(Dossier.delicate.is_(filters.delicate))
    return conditions


def _rows(session: Session, shown: Subquery, labels: FactLabels,
          total: ScalarSelect | None = None) -> tuple[list[ListRow], int | None]:
    """The shown dossiers in words, with their themes and persons in the order they were recorded; and ``total``
    read along (None when nothing is shown)."""
    dossiers, facts, total = _read(session, shown, labels, total)
    title = gettext("Dossier %(number)s")
    steps = {state: str(label) for state, label in STEP_LABELS.items()}
    status = _Status(i18n.display())
    return [ListRow(dossier_id, title % {"number": dossier_id}, status.date(opened_on),
                    ", ".join(facts[dossier_id][0]), ", ".join(facts[dossier_id][1]),
                    status.of(closed_on, notice_on, shredded_at, held), bool(delicate),
                    steps.get(state, "") if delicate and not closed_on else "")
            for dossier_id, opened_on, closed_on, delicate, state, notice_on, shredded_at, held in dossiers], total


class _Status:
    """A dossier's status in words, with its shredding (M27): the words and the retention looked up once a page."""

    def __init__(self, shown: i18n.Display) -> None:
        self.locale, self.zone = shown.locale, shown.zone
        self.today = now().astimezone(shown.zone).date()
        self.years = retention.retention_years()
        self.running, self.closed = gettext("lopend"), gettext("afgesloten op %(date)s")
        self.planned, self.held = gettext("vernietiging op %(date)s"), gettext("bewaring opgelegd")
        self.shredded = gettext("vernietigd op %(date)s")

    def date(self, value) -> str:
        return ui.written_date(value, self.locale)

    def of(self, closed_on, notice_on, shredded_at, held) -> str:
        if not closed_on:
            return self.running
        closed = self.closed % {"date": self.date(closed_on)}
        if shredded_at is not None:
            return f"{closed}, {self.shredded % {'date': self.date(shredded_at.astimezone(self.zone).date())}}"
        if held:
            return f"{closed}; {self.held}"
        shred_on = retention.planned_date(closed_on, notice_on, self.today, self.years)
        return f"{closed}; {self.planned % {'date': self.date(shred_on)}}"


def _read(session: Session, shown: Subquery, labels: FactLabels,
          total: ScalarSelect | None) -> tuple[list[tuple], dict[int, FactTexts], int | None]:
    """The shown dossiers' columns, the labels of their themes and persons, and ``total``: one select, a fact per
    line (the dossier's columns and the total repeated)."""
    lines = session.execute(
        select(shown, DossierFact.kind, DossierFact.value, null() if total is None else total)
        .outerjoin(DossierFact, (DossierFact.dossier_id == shown.c.id)
                   & DossierFact.kind.in_((FactKind.THEME, FactKind.PERSON)))
        .order_by(shown.c.opened_on.desc(), shown.c.id.desc(), DossierFact.id)).all()
    dossiers, facts = [], {}
    themes, persons = labels.get(FactKind.THEME, {}), labels.get(FactKind.PERSON, {})
    for dossier_id, opened_on, closed_on, delicate, state, notice_on, shredded_at, held, kind, value, _total in lines:
        if dossier_id not in facts:
            facts[dossier_id] = ([], [])
            dossiers.append((dossier_id, opened_on, closed_on, delicate, state, notice_on, shredded_at, held))
        if kind == FactKind.THEME:
            facts[dossier_id][0].append(themes.get(value, value))
        elif kind == FactKind.PERSON:
            facts[dossier_id][1].append(persons.get(value, value))
    return dossiers, facts, lines[0][-1] if lines else None
