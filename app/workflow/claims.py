"""Who has a task: taking it from its lane ("Ik neem dit op"), giving it back, handing it to a colleague.

The policy decides who may (app/auth/policy.py: can_claim, can_release, can_assign); each change is one
conditional UPDATE, so that of two people at the same moment one gets the task and the other hears that a colleague
has it (409), and each is written to the instance's history. Refusals name nobody.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from app.auth import policy
from app.auth.accounts import find_user
from app.clock import now
from app.engine import runner
from app.engine.errors import Conflict, InvalidData, NotAllowed, NotFound, TaskNotReady
from app.engine.notifications import as_row
from app.mail.notify import notify_new_tasks
from app.models import Task, TaskState, User

CLAIMED, RELEASED, ASSIGNED = "claimed", "released", "assigned"  # the history's kinds


def claim(session: Session, user: User, task_id: int) -> Task:
    """``user`` takes the task from its lane; a task already theirs stays as it is."""
    task = _task_in_reach(session, user, task_id)
    if task.assignee_id == user.id:
        return task
    _refuse_when_a_colleague_has_it(task, user)
    if not policy.can_claim(user, task):
        raise NotAllowed(_l("U mag deze taak niet opnemen."))
    _set_assignee(session, task, Task.assignee_id.is_(None), to=user)
    runner.record(session, task.instance, CLAIMED, task.title, user)
    return task


def release(session: Session, user: User, task_id: int) -> Task:
    """``user`` gives back a task they took (or were handed): it is offered to its lane again."""
    task = _task_in_reach(session, user, task_id)
    if task.assignee_id is None:
        raise Conflict(_l("Niemand heeft deze taak opgenomen; er is niets vrij te geven."))
    _refuse_when_a_colleague_has_it(task, user)
    if not policy.can_release(user, task):
        raise NotAllowed(_l("Deze taak werd u door het proces zelf gegeven; u kunt ze niet vrijgeven."))
    _set_assignee(session, task, and_(Task.assignee_id == user.id, Task.claimed_at.is_not(None)), to=None)
    runner.record(session, task.instance, RELEASED, task.title, user)
    return task


def assign(session: Session, actor: User, task_id: int, email: object) -> Task:
    """``actor`` hands the task to the colleague with this e-mail address, who is told by mail."""
    task = _task_in_reach(session, actor, task_id)
    _refuse_when_a_colleague_has_it(task, actor)
    if not policy.can_hand_over(actor, task):
        raise NotAllowed(_l("Deze taak werd u door het proces zelf gegeven; u kunt ze niet overdragen."))
    colleague = find_user(session, email) if isinstance(email, str) and email.strip() else None
    if colleague is not None and colleague.id == actor.id:
        raise InvalidData({"user": str(_l("Kies een collega; om de taak zelf te nemen, kiest u 'Ik neem dit op'."))})
    if colleague is None or not policy.can_assign(actor, task, colleague):
        # One message whether the address is unknown or its owner may not do the task: nobody learns who has an account.
        raise InvalidData({"user": str(_l("Geef het e-mailadres van een collega die deze taak mag afwerken."))})
    _set_assignee(session, task, or_(Task.assignee_id.is_(None), Task.assignee_id == actor.id), to=colleague)
    runner.record(session, task.instance, ASSIGNED, task.title, actor, detail=colleague.name)
    notify_new_tasks(session, [as_row(task)])  # "a task waits for you", to the colleague alone (the assignee)
    return task


def release_all_claimed_by(session: Session, user: User) -> int:
    """A deactivated account's claimed tasks go back to their lanes (tasks the process gave it stay, as with a
    release), so that nobody's work waits for someone who can no longer log in. Returns how many."""
    tasks = list(session.scalars(select(Task).where(
        Task.assignee_id == user.id, Task.claimed_at.is_not(None), Task.state == TaskState.READY)))
    for task in tasks:
        _set_assignee(session, task, Task.assignee_id == user.id, to=None)
        runner.record(session, task.instance, RELEASED, task.title, None, detail=user.name)
    return len(tasks)


def _task_in_reach(session: Session, user: User, task_id: int) -> Task:
    """The READY task, if ``user`` has it or could do it were nobody to have it: 404, 403, else 409 when it is
    done."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(_l("Deze taak bestaat niet."))
    if not policy.may_handle(user, task):
        raise NotAllowed(_l("Deze taak is niet voor u."))
    if task.state != TaskState.READY:
        raise TaskNotReady(_l("Deze taak werd al afgewerkt of is vervallen."))
    return task


def _refuse_when_a_colleague_has_it(task: Task, user: User) -> None:
    if task.assignee_id is not None and task.assignee_id != user.id:
        raise Conflict(_l("Een collega heeft deze taak al opgenomen."))


def _set_assignee(session: Session, task: Task, expected: ColumnElement[bool], to: User | None) -> None:
    """Give the task to ``to`` (None: back to its lane) if it is still READY and its assignee as ``expected``."""
    changed = session.execute(
        update(Task).where(Task.id == task.id, Task.state == TaskState.READY, expected)
        .values(assignee_id=to.id if to else None, claimed_at=now() if to else None),
        execution_options={"synchronize_session": False}).rowcount
    session.expire(task, ["assignee_id", "assignee", "claimed_at", "state"])
    if changed != 1:  # someone was quicker between the read and this update
        if task.state != TaskState.READY:
            raise TaskNotReady(_l("Deze taak werd al afgewerkt of is vervallen."))
        raise Conflict(_l("Een collega heeft deze taak al opgenomen."))
