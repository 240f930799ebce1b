"""Making and finding evaluations (R18): generate one for an entity's year (its facts replaced, the conversations it
calls for started once), a whole year's for every entity, and the lists a user may see."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.dossiers import audit
from app.dossiers.audit import Action
from app.evaluation import conversation, facts
from app.models import Confidant, Entity, Evaluation, User

FIRST_YEAR = 2000


class EvaluationRefused(ValueError):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Listed:
    entity_id: int
    code: str
    entity: str
    year: int
    generated_at: datetime | None  # None: not generated yet


def generate(session: Session, entity: Entity, year: int, actor: User | None = None) -> Evaluation:
    """Generate (or regenerate: its facts replaced) the evaluation of ``entity``'s ``year``, and start the
    conversation for each confidant with three years without a dossier who has none for that year yet. Only an ended
    year: a year-to-date evaluation, made again a week later, would tell its readers what happened in between."""
    if year >= facts.current_year():
        raise EvaluationRefused(_l("Een jaar wordt pas geëvalueerd als het voorbij is."))
    found = facts.build(session, entity, year)
    evaluation = session.scalar(select(Evaluation).where(Evaluation.entity_id == entity.id, Evaluation.year == year))
    if evaluation is None:
        evaluation = Evaluation(entity_id=entity.id, year=year, facts=found)
        session.add(evaluation)
    evaluation.facts, evaluation.generated_at = found, now()
    evaluation.generated_by_id = actor.id if actor else None
    session.flush()
    for row in found["confidants"]:
        if row["quiet"]:
            conversation.start_for(session, session.get(Confidant, row["id"]), year)
    return evaluation


def generate_year(session: Session, year: int, entity_code: str | None = None, missing_only: bool = False) -> int:
    """Generate ``year``'s evaluation of every entity (or one); ``missing_only`` leaves the existing ones as they
    are (the yearly job). Returns how many were generated."""
    query = select(Entity).order_by(Entity.code)
    if entity_code:
        query = query.where(Entity.code == entity_code)
    entities = list(session.scalars(query))
    if entity_code and not entities:
        raise EvaluationRefused(_l("Er is geen entiteit met deze code."))
    done = set(session.scalars(select(Evaluation.entity_id).where(Evaluation.year == year))) if missing_only else set()
    count = 0
    for entity in entities:
        if entity.id not in done:
            generate(session, entity, year)
            count += 1
    return count


def regenerate(session: Session, admin: User, entity_id: int, year: int) -> Evaluation:
    """An admin's regeneration, audited (the evaluation's id, nothing of its facts)."""
    if not policy.can_regenerate_evaluations(admin):
        raise PermissionError("not an admin")
    entity = session.get(Entity, entity_id)
    if entity is None or not FIRST_YEAR <= year:
        raise EvaluationRefused(_l("Deze evaluatie bestaat niet."))
    evaluation = generate(session, entity, year, admin)
    audit.record(session, admin.id, None, f"{Action.REGENERATE_EVALUATION} {evaluation.id}")
    return evaluation


def for_reader(session: Session, user: User, entity_id: int, year: int) -> Evaluation | None:
    """The evaluation if ``user`` may read it (None: not theirs, or not generated)."""
    if not policy.can_view_evaluation(user, entity_id):
        return None
    return session.scalar(select(Evaluation).where(Evaluation.entity_id == entity_id, Evaluation.year == year))


def listed(session: Session, user: User) -> list[Listed]:
    """The evaluations a user may see or regenerate, the newest year first: a reader's entities' (generated ones),
    an admin's every one (which exist and when they were made)."""
    query = select(Evaluation.entity_id, Entity.code, Entity.name, Evaluation.year, Evaluation.generated_at).join(
        Entity, Entity.id == Evaluation.entity_id).order_by(Evaluation.year.desc(), Entity.name)
    if not policy.can_regenerate_evaluations(user):
        ids = policy.evaluation_entity_ids(user)
        if not ids:
            return []
        query = query.where(Evaluation.entity_id.in_(ids))
    return [Listed(*row) for row in session.execute(query)]


def entity_by_code(session: Session, code: str) -> Entity | None:
    return session.scalar(select(Entity).where(Entity.code == code))
