"""Synthetic dossiers for the demo and the benchmark (`vertrouwd demo --dossiers N`): realistic spreads over themes,
entities and years, each really sealed like a registered one (its own data key wrapped for its confidant and the
recovery key, the requester encrypted), inserted in batches.

Not through dossiers.register(): that escalates delicate cases and writes an audit entry per dossier, which for
100,000 dossiers takes far too long; these are demo data, registered by nobody. Their requester is an invented
pseudonym ("Verzoeker 123"), never a real name."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.clock import now
from app.crypto import contexts, keys, recovery, user_keys
from app.models import Confidant, ConfidantStatus, Dossier, DossierFact, DossierKey, User
from app.models.dossiers import FactKind, Intervention, Outcome, PersonLevel, ReaderKind, Theme

BATCH = 2000
# Relative frequencies (roughly what confidants' networks report: stress and conflict lead).
THEMES = {Theme.STRESS: 30, Theme.CONFLICT: 25, Theme.WORK_ORGANISATION: 18, Theme.BURNOUT: 12,
          Theme.BULLYING: 8, Theme.PRIVATE_SITUATION: 8, Theme.DISCRIMINATION: 3, Theme.VIOLENCE: 2,
          Theme.SEXUAL_HARASSMENT: 2, Theme.OTHER: 4}
PERSONS = {PersonLevel.COLLEAGUE: 45, PersonLevel.DIRECT_MANAGER: 30, PersonLevel.DEPARTMENT_HEAD: 8,
           PersonLevel.LEADING_OFFICIAL: 2, PersonLevel.THIRD_PARTY: 10, PersonLevel.GROUP: 5}
INTERVENTIONS = {Intervention.LISTENING: 70, Intervention.PREPARATION: 20, Intervention.INTERVENTION: 7,
                 Intervention.CONCILIATION: 3}
OUTCOMES = {Outcome.RESOLVED: 50, Outcome.REFERRED_ELSEWHERE: 15, Outcome.STOPPED_BY_REQUESTER: 15,
            Outcome.NOT_RESOLVED: 12, Outcome.REFERRED_FORMAL: 8}
DELICATE_THEMES = {Theme.SEXUAL_HARASSMENT}
DELICATE_PERSONS = {PersonLevel.DEPARTMENT_HEAD, PersonLevel.LEADING_OFFICIAL, PersonLevel.GROUP}


@dataclass(frozen=True)
class Keeper:
    user_id: int
    entity_id: int
    public_key: bytes


def _pick(rng: random.Random, weights: dict, most: int = 1) -> list[str]:
    values = rng.choices(list(weights), weights=list(weights.values()), k=rng.randint(1, most))
    return sorted(set(values))


def keepers(session: Session, password: str) -> list[Keeper]:
    """The active confidants with a key (one is made under the demo password for a demo account without one)."""
    found = []
    for confidant in session.scalars(select(Confidant).where(Confidant.status == ConfidantStatus.ACTIVE,
                                                             Confidant.user_id.is_not(None))):
        public = user_keys.public_key(session, confidant.user_id)
        if public is None:
            user_keys.create_for(session, session.get(User, confidant.user_id), password)
            public = user_keys.public_key(session, confidant.user_id)
        found.append(Keeper(confidant.user_id, confidant.entity_id, public))
    return found


def add_dossiers(session: Session, count: int, password: str, today: date, years: int = 5,
                 seed: int = 13) -> int:
    """Add ``count`` synthetic dossiers opened over the last ``years`` years; returns how many were added."""
    rng = random.Random(seed)
    people = keepers(session, password)
    recovery_key = recovery.current(session)
    if not people or recovery_key is None:
        raise ValueError("the demo needs active confidants and a recovery key: run `vertrouwd demo` first")
    first_day, span = date(today.year - years + 1, 1, 1), None
    span = (today - first_day).days
    added = 0
    while added < count:
        size = min(BATCH, count - added)
        plans = [_plan(rng, rng.choice(people), first_day + timedelta(days=rng.randrange(span)), today)
                 for _ in range(size)]
        _insert_batch(session, plans, recovery_key)
        added += size
    return added


def _plan(rng: random.Random, keeper: Keeper, opened_on: date, today: date) -> dict:
    themes, persons = _pick(rng, THEMES, 2), _pick(rng, PERSONS, 2)
    interventions = _pick(rng, INTERVENTIONS, 2)
    closed = (today - opened_on).days > 60 or rng.random() < 0.3
    closed_on = min(today, opened_on + timedelta(days=rng.randint(7, 120))) if closed else None
    outcome = _pick(rng, OUTCOMES)[0] if closed_on else None
    delicate = bool(set(themes) & DELICATE_THEMES or set(persons) & DELICATE_PERSONS)
    return {"keeper": keeper, "opened_on": opened_on, "closed_on": closed_on, "outcome": outcome,
            "delicate": delicate, "referred_formal": outcome == Outcome.REFERRED_FORMAL or rng.random() < 0.03,
            "repeated_incident": rng.random() < 0.12, "consent": bool(set(interventions) & {"intervention",
                                                                                              "conciliation"}),
            "facts": [(FactKind.THEME, value) for value in themes] + [(FactKind.PERSON, value) for value in persons]
            + [(FactKind.INTERVENTION, value) for value in interventions]}


def _insert_batch(session: Session, plans: list[dict], recovery_key) -> None:
    moment = now()
    rows = [{"confidant_id": plan["keeper"].user_id, "entity_id": plan["keeper"].entity_id,
             "opened_on": plan["opened_on"], "closed_on": plan["closed_on"], "outcome": plan["outcome"],
             "delicate": plan["delicate"], "referred_formal": plan["referred_formal"],
             "repeated_incident": plan["repeated_incident"], "consent_given": plan["consent"],
             "consent_on": plan["opened_on"] if plan["consent"] else None,
             "escalation_state": "consulted" if plan["delicate"] else None,
             "created_at": moment, "updated_at": moment} for plan in plans]
    ids = list(session.scalars(insert(Dossier).returning(Dossier.id, sort_by_parameter_order=True), rows))
    session.execute(insert(DossierFact), [{"dossier_id": dossier_id, "kind": kind, "value": value}
                                          for dossier_id, plan in zip(ids, plans) for kind, value in plan["facts"]])
    key_rows, sealed = [], []
    for dossier_id, plan in zip(ids, plans):
        data_key, keeper = keys.new_data_key(), plan["keeper"]
        key_rows.append({"dossier_id": dossier_id, "reader": ReaderKind.OWNER.value, "reader_id": keeper.user_id,
                         "wrapped": keys.wrap_key(keeper.public_key, data_key, contexts.data_key_for(
                             dossier_id, ReaderKind.OWNER, keeper.user_id))})
        key_rows.append({"dossier_id": dossier_id, "reader": ReaderKind.RECOVERY.value,
                         "reader_id": recovery_key.id,
                         "wrapped": keys.wrap_key(recovery_key.public_key, data_key, contexts.data_key_for(
                             dossier_id, ReaderKind.RECOVERY, recovery_key.id))})
        sealed.append({"id": dossier_id, "requester_sealed": keys.encrypt(
            data_key, f"Verzoeker {dossier_id}", contexts.dossier_field(dossier_id, "requester"))})
    session.execute(insert(DossierKey), key_rows)
    session.execute(update(Dossier), sealed)
