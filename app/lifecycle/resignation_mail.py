"""Who hears of a role ending (R19), and what the mail says: names, the entity, dates and links; never anything of a
dossier beyond its number, and that only to the one who receives it.

The PAPSY and the EOC secretary of the entity get one mail each that names their task; the process's own "a task
waits for you" mail for those first tasks is then not sent again (their rows are marked as announced).
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.mail.outbox import current_settings, locale_of, queue_mail
from app.mail.render import format_due, one_line
from app.models import Entity, Role, Task, TaskState, User, UserRole
from app.models.lifecycle import EndingKind, EndingState, RoleEnding

NOTICE, REMOVAL, WITHDRAWN, HANDED_OVER = ("role_ending_notice", "role_ending_removal", "role_ending_withdrawn",
                                           "dossier_handed_over")


def started(session: Session, ending: RoleEnding) -> None:
    """The entity's PAPSY and EOC secretaries hear of it with a link to their task; a removal is told to the
    confidant, with the way to their page."""
    tasks = _ready_tasks(session, ending.instance_id)
    for person, task in _followers(session, ending, tasks):
        _send(session, person, NOTICE, ending, task_id=task.id if task else None)
    if ending.kind == EndingKind.REMOVAL:  # one from today closed their account already: they are told all the same
        confidant = _confidant_user(session, ending, closed_by_it=ending.state == EndingState.EFFECTIVE)
        if confidant is not None:
            _send(session, confidant, REMOVAL, ending)
    session.execute(update(Task).where(Task.instance_id == ending.instance_id, Task.state == TaskState.READY)
                    .values(notified_at=now()), execution_options={"synchronize_session": False})


def withdrawn(session: Session, ending: RoleEnding) -> None:
    """Those told of the start hear it was taken back."""
    recipients = [person for person, _task in _followers(session, ending, [])]
    if ending.kind == EndingKind.REMOVAL:
        recipients.append(_confidant_user(session, ending))
    for person in recipients:
        if person is not None:
            _send(session, person, WITHDRAWN, ending)


def handed_over(session: Session, dossier_id: int, keeper: User, receiver: User) -> None:
    """The receiver of a dossier hears from whom, and where to open it (no content: they read it there)."""
    locale = locale_of(receiver)
    queue_mail(session, receiver.email, HANDED_OVER, HANDED_OVER,
               {"keeper": one_line(keeper.name), "number": dossier_id}, locale=locale)


def papsy_of(session: Session, entity_id: int) -> list[User]:
    """The active PAPSY of an entity."""
    candidates = session.scalars(select(User).join(UserRole).where(
        UserRole.role == Role.PAPSY.value, User.active.is_(True)).order_by(User.name, User.id))
    return [person for person in candidates if policy.acts_for(person, Role.PAPSY, entity_id)]


def secretaries_of(session: Session, entity_id: int) -> list[User]:
    return list(session.scalars(select(User).join(UserRole).where(
        UserRole.role == Role.EOC_SECRETARY.value, User.active.is_(True), User.entity_id == entity_id)
        .order_by(User.name, User.id)))


def _followers(session: Session, ending: RoleEnding, tasks: list[Task]) -> list[tuple[User, Task | None]]:
    """The PAPSY and EOC secretaries of the entity, each with the first of the instance's tasks they may do."""
    entity_id = ending.confidant.entity_id
    found = []
    for person in [*papsy_of(session, entity_id), *secretaries_of(session, entity_id)]:
        rules = policy.task_rules(person)
        found.append((person, next((task for task in tasks if rules.can_complete(task)), None)))
    return found


def _ready_tasks(session: Session, instance_id: int | None) -> list[Task]:
    return list(session.scalars(select(Task).where(Task.instance_id == instance_id, Task.state == TaskState.READY)
                                .order_by(Task.id)))


def _confidant_user(session: Session, ending: RoleEnding, closed_by_it: bool = False) -> User | None:
    user_id = ending.confidant.user_id
    person = session.get(User, user_id) if user_id is not None else None
    return person if person is not None and (person.active or closed_by_it) else None


def _send(session: Session, person: User, template: str, ending: RoleEnding, task_id: int | None = None) -> None:
    locale = locale_of(person)
    entity = session.get(Entity, ending.confidant.entity_id)
    queue_mail(session, person.email, template, template, {
        "name": one_line(ending.confidant.name), "entity": one_line(entity.name),
        "removal": ending.kind == EndingKind.REMOVAL,
        "effective": format_due(ending.effective_on, current_settings().display_timezone, locale),
        "task_id": task_id, "instance_id": ending.instance_id,
    }, instance_id=ending.instance_id, locale=locale)
