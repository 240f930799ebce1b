"""The people a scenario test acts as: one throw-away account per role in a throw-away entity, made inside the
scenario's savepoint (app/modeling/scenarios.py) and gone with it. Scenario data refers to them with placeholders:
``${confidant.user_id}``, ``${confidant.confidant_id}`` (their place on the list of confidants), ``${papsy.email}``,
``${entity.id}``, ``${entity.code}``, ``${dossier.id}`` (the dossier of the scenario's "given"), dates on the
scenario's clock: ``${today}``, ``${today+P2Y}``, and in a task's data ``${file}``: a small PDF uploaded for that
task."""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy.orm import Session

from app.clock import now
from app.models import Confidant, ConfidantStatus, Entity, Role, User, UserRole
from app.training.services import training_deadline

_PLACEHOLDER = re.compile(r"^\$\{(\w+)\.(\w+)\}$")
_TODAY = re.compile(r"^\$\{today(?:([+-])(P[0-9YMWDTHS]+))?\}$")
_FIELDS = {"user_id": lambda user: user.id, "email": lambda user: user.email, "name": lambda user: user.name}


class ScenarioFailed(Exception):
    """Why a scenario failed, and at which diagram element when that is known."""

    def __init__(self, message: str, element: str | None = None) -> None:
        super().__init__(message)
        self.message, self.element = message, element


class Actors:
    """The scenario's entity and, made when first needed, a person per role."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.tag = secrets.token_hex(4)  # unique names, should a savepoint of another scenario still be open
        self.entity = Entity(code=f"SCENARIO-{self.tag}", name="Scenario")
        session.add(self.entity)
        session.flush()
        self._users: dict[Role, User] = {}
        self._confidants: dict[int, Confidant] = {}
        self.values: dict[str, object] = {}  # what the scenario's "given" made: "${dossier.id}"

    def user(self, role: object) -> User:
        try:
            role = Role(role)
        except ValueError:
            raise ScenarioFailed(str(_l("'%(role)s' is geen rol (kies %(roles)s)", role=str(role)[:50],
                                        roles=", ".join(member.value for member in Role)))) from None
        if role not in self._users:
            self._users[role] = self._make(role)
        return self._users[role]

    def _make(self, role: Role) -> User:
        user = User(email=f"{role.value}.{self.tag}@scenario.invalid", name=f"Scenario {role.value}",
                    entity_id=self.entity.id if role in (Role.CONFIDANT, Role.EOC_SECRETARY) else None,
                    created_at=now())
        user.role_rows = [UserRole(role=role.value)]
        if role is Role.PAPSY:
            user.papsy_entities = [self.entity]
        self.session.add(user)
        self.session.flush()
        if role is Role.CONFIDANT:
            appointed_on = now().date()
            self._confidants[user.id] = Confidant(
                user_id=user.id, entity_id=self.entity.id, name=user.name, email=user.email, function="Scenario",
                status=ConfidantStatus.ACTIVE, appointed_on=appointed_on,
                training_due_on=training_deadline(appointed_on))
            self.session.add(self._confidants[user.id])
            self.session.flush()
        return user

    def resolve(self, data: object, upload: Callable[[], str] | None = None) -> object:
        """``data`` with every placeholder replaced by its value; ``upload`` stores a file for "${file}"."""
        if isinstance(data, dict):
            return {key: self.resolve(value, upload) for key, value in data.items()}
        if isinstance(data, list):
            return [self.resolve(value, upload) for value in data]
        if isinstance(data, str):
            return upload() if data == "${file}" and upload is not None else self._value(data)
        return data

    def _value(self, text: str) -> object:
        if (today := _TODAY.match(text)) is not None:
            return _today(*today.groups()).isoformat()
        if (placeholder := _PLACEHOLDER.match(text)) is None:
            return text
        subject, attribute = placeholder.groups()
        if f"{subject}.{attribute}" in self.values:
            return self.values[f"{subject}.{attribute}"]
        if subject == "entity" and attribute in ("id", "code"):
            return getattr(self.entity, attribute)
        user = self.user(subject)
        if attribute == "confidant_id" and user.id in self._confidants:
            return self._confidants[user.id].id
        if attribute in _FIELDS:
            return _FIELDS[attribute](user)
        return text


def _today(sign: str | None, duration: str | None):
    moment = now()
    if duration:
        delta = TimerEventDefinition.get_timedelta_from_start(TimerEventDefinition.parse_iso_duration(duration), moment)
        moment = moment + delta if sign == "+" else moment - delta
    return moment.date()
