"""Demo data: entities that look like the Flemish government's, fictional people (idempotent)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.accounts import assign_papsy, ensure_user
from app.training.services import training_deadline
from app.models import Confidant, ConfidantStatus, Entity, Role, User

DEMO_PASSWORD = "vertrouwd-demo"  # noqa: S105 (demo accounts only; printed by `vertrouwd demo`)

ENTITIES = [
    ("OMG", "Departement Omgeving", "omgeving"),
    ("AWV", "Agentschap Wegen en Verkeer", "wegenenverkeer"),
]
PEOPLE = {
    # entity code: (EOC secretary, PAPSY, two confidants with their appointment date and basic training)
    "OMG": (("Ingrid Verhaegen", "ingrid.verhaegen"), ("Luc Van den Broeck", "luc.vandenbroeck"),
            [("Sofie Claes", "sofie.claes", date(2023, 3, 14), date(2024, 5, 13)),
             ("Koen Maes", "koen.maes", date(2025, 9, 2), None)]),
    "AWV": (("Bart Wouters", "bart.wouters"), ("Hilde Jacobs", "hilde.jacobs"),
            [("Els De Smet", "els.desmet", date(2022, 11, 8), date(2023, 6, 1)),
             ("Tom Peeters", "tom.peeters", date(2025, 1, 20), None)]),
}


def _email(local: str, domain: str) -> str:
    return f"{local}@{domain}.vlaanderen.example"


def load_demo(session: Session) -> list[User]:
    """Create what is missing of the demo set; return the demo users."""
    users = [ensure_user(session, _email("admin", "gdpb"), "Anouk Beheer", [Role.ADMIN], password=DEMO_PASSWORD)]
    for code, name, domain in ENTITIES:
        entity = _ensure_entity(session, code, name)
        (secretary, papsy, confidants) = PEOPLE[code]
        users.append(ensure_user(session, _email(secretary[1], domain), secretary[0], [Role.EOC_SECRETARY],
                                 entity_id=entity.id, password=DEMO_PASSWORD))
        papsy_user = ensure_user(session, _email(papsy[1], "gdpb"), papsy[0], [Role.PAPSY], password=DEMO_PASSWORD)
        assign_papsy(session, papsy_user, entity)
        users.append(papsy_user)
        for full_name, local, appointed_on, certified_on in confidants:
            user = ensure_user(session, _email(local, domain), full_name, [Role.CONFIDANT], entity_id=entity.id,
                               password=DEMO_PASSWORD)
            _ensure_confidant(session, user, entity, appointed_on, certified_on)
            users.append(user)
    session.flush()
    return users


def _ensure_entity(session: Session, code: str, name: str) -> Entity:
    entity = session.scalar(select(Entity).where(Entity.code == code))
    if entity is None:
        entity = Entity(code=code, name=name)
        session.add(entity)
        session.flush()
    return entity


def _ensure_confidant(session: Session, user: User, entity: Entity, appointed_on: date,
                      certified_on: date | None) -> None:
    if session.scalar(select(Confidant).where(Confidant.user_id == user.id)) is None:
        session.add(Confidant(user_id=user.id, entity_id=entity.id, name=user.name, email=user.email,
                              function="Medewerker", status=ConfidantStatus.ACTIVE, appointed_on=appointed_on,
                              training_due_on=training_deadline(appointed_on), training_certified_on=certified_on))

