"""Who may do what: the one authorization policy. Views, the API and services all ask here.

Scope: a confidant and an EOC secretary act for their own entity; a PAPSY for the entities they
are assigned to; an admin manages the platform but acts in no process lane but their own. A confidential process
(its model's visibility is "participants") is seen only by those who take part in it; an admin sees that it exists.
"""
from __future__ import annotations

import enum
import functools
from collections.abc import Set

from flask import g, has_request_context
from sqlalchemy import ColumnElement, and_, bindparam, or_, select, true, union_all
from sqlalchemy.orm import Session

from app.clock import now
from app.db import in_list_of
from app.models import (
    Dossier,
    Entity,
    ProcessInstance,
    ProcessModelVersion,
    Role,
    Task,
    TaskState,
    User,
    Visibility,
)


class InstanceAccess(enum.Enum):
    """How much of a process instance a user sees: all of it, only that it exists (status, incident), or nothing."""

    FULL = "full"
    STATUS = "status"
    NONE = "none"


def entity_ids_for(user: User, role: Role) -> set[int] | None:
    """The entities ``user`` acts for in ``role``; None means every entity, an empty set none."""
    if not user.has_role(role):
        return set()
    if role is Role.ADMIN:
        return None
    if role is Role.PAPSY:
        return {entity.id for entity in user.papsy_entities}
    return {user.entity_id} if user.entity_id is not None else set()


def acts_for(user: User, role: Role | str, entity_id: int) -> bool:
    try:
        role = Role(role)
    except ValueError:
        return False
    scope = entity_ids_for(user, role)
    return scope is None or entity_id in scope


def can_start(user: User, version: ProcessModelVersion, entity: Entity) -> bool:
    """A process is started by the role of its first lane, for an entity in that role's scope; a confidential one
    (a key recovery, a delicate case) never through an API token."""
    if version.visibility == Visibility.PARTICIPANTS and signed_in_by_token():
        return False
    return any(acts_for(user, role, entity.id) for role in version.start_roles)


def can_start_somewhere(user: User, version: ProcessModelVersion) -> bool:
    """``user`` may start the process for at least one entity (which ones: ``startable_entities``)."""
    if version.visibility == Visibility.PARTICIPANTS and signed_in_by_token():
        return False
    return any(_scope_of(user, role) != set() for role in version.start_roles)


def _scope_of(user: User, role: str) -> set[int] | None:
    try:
        return entity_ids_for(user, Role(role))
    except ValueError:
        return set()


def startable_entities(user: User, version: ProcessModelVersion, entities: list[Entity]) -> list[Entity]:
    return [entity for entity in entities if can_start(user, version, entity)]


class TaskRules:
    """The rules on tasks for one user at one moment: their lanes and scope, the time and how they signed in are
    found once, so that a list asks them of fifty rows at the cost of one (``task_rules``)."""

    def __init__(self, user: User) -> None:
        self.user, self.at = user, now()
        self.lanes = dict(_lanes(user))
        self._by_token: bool | None = None

    def in_lane_and_scope(self, task: Task) -> bool:
        """The user could complete the task were nobody to have it: its lane is theirs, for its entity (or for any
        entity once the task is open to its whole lane). Never a confidential one through an API token."""
        if self._hidden(task) or task.lane not in self.lanes:
            return False
        scope = self.lanes[task.lane]
        return (scope is None or task.entity_id in scope
                or (task.open_to_lane_at is not None and task.open_to_lane_at <= self.at))

    def can_complete(self, task: Task) -> bool:
        """In lane and scope, and not assigned to another."""
        return (task.assignee_id is None or task.assignee_id == self.user.id) and self.in_lane_and_scope(task)

    def can_claim(self, task: Task) -> bool:
        """A READY task offered to its lane (nobody has it) is taken by anyone who may complete it."""
        return task.state == TaskState.READY and task.assignee_id is None and self.can_complete(task)

    def can_release(self, task: Task) -> bool:
        """Who took a task (or was handed it) may offer it to the lane again; a task the process itself gave to a
        person (a confidant's own certificate, a delicate case's summary) stays with that person."""
        return (task.state == TaskState.READY and task.assignee_id == self.user.id and task.claimed_at is not None
                and not self._hidden(task))

    def _hidden(self, task: Task) -> bool:
        """A confidential process's task asked through an API token (most tasks are not: no look-up of the
        request)."""
        if not task.confidential:
            return False
        if self._by_token is None:
            self._by_token = signed_in_by_token()
        return self._by_token


def task_rules(user: User) -> TaskRules:
    return TaskRules(user)


def can_complete(user: User, task: Task) -> bool:
    return TaskRules(user).can_complete(task)


def in_lane_and_scope(user: User, task: Task) -> bool:
    return TaskRules(user).in_lane_and_scope(task)


def can_claim(user: User, task: Task) -> bool:
    return TaskRules(user).can_claim(task)


def can_release(user: User, task: Task) -> bool:
    return TaskRules(user).can_release(task)


def may_handle(user: User, task: Task) -> bool:
    """``user`` has the task, or could do it were nobody to have it: they may hear who has it and ask to take it,
    give it back or hand it over (which the rules below decide). Never a confidential one through an API token."""
    if _confidential_by_token(task):
        return False
    return task.assignee_id == user.id or in_lane_and_scope(user, task)


def can_hand_over(user: User, task: Task) -> bool:
    """Who has the task (taken or handed, not given by the process), or anyone who could take it while nobody
    has it, may hand it to a colleague."""
    return can_claim(user, task) or can_release(user, task)


def _confidential_by_token(task: Task) -> bool:
    return task.confidential and signed_in_by_token()  # most tasks are not: no look-up of the request


def can_receive(colleague: User, task: Task) -> bool:
    """A task is handed only to an active colleague of its lane and scope, who could complete it."""
    return colleague.active and in_lane_and_scope(colleague, task)


def can_assign(actor: User, task: Task, colleague: User) -> bool:
    return actor.id != colleague.id and can_hand_over(actor, task) and can_receive(colleague, task)


def _lanes(user: User) -> list[tuple[str, set[int] | None]]:
    """Each lane of ``user`` with the entities they act for in it (None: every entity)."""
    return [(role.value, entity_ids_for(user, role)) for role in user.roles]


ScopeShape = tuple[tuple[str, str], ...]  # per lane of a user: (lane, "every" | "some" | "none" of the entities)


def task_scope(user: User) -> tuple[ScopeShape, dict[str, object]]:
    """``user``'s task scope as its shape, which users share (statements are built once per shape:
    ``task_scope_parts``), and the values its statements are executed with."""
    shape, values = [], {"open_until": now(), "me": user.id}
    for n, (lane, scope) in enumerate(_lanes(user)):
        shape.append((lane, "every" if scope is None else "some" if scope else "none"))
        if scope:
            values[f"scope_{n}"] = sorted(scope)
    return tuple(shape), values


@functools.lru_cache(maxsize=64)
def task_scope_parts(shape: ScopeShape) -> tuple[ColumnElement[bool], ...]:
    """SQL conditions for the tasks of a scope (``task_scope``), whoever has them, no two of which hold for one
    task: in each lane, the tasks of the entities the user acts for, and those of other entities open to the whole
    lane. A list reads each part from its index and adds them up (on their OR PostgreSQL would test every task of
    the lane, in every entity)."""
    parts = []
    for n, (lane, entities) in enumerate(shape):
        if entities == "every":
            parts.append(Task.lane == lane)
            continue
        open_to_lane = [Task.lane == lane, Task.open_to_lane_at.is_not(None),
                        Task.open_to_lane_at <= bindparam("open_until")]
        if entities == "some":
            scope = bindparam(f"scope_{n}", expanding=True)
            parts += [and_(Task.lane == lane, Task.entity_id.in_(scope)), and_(*open_to_lane, Task.entity_id.not_in(scope))]
        else:
            parts.append(and_(*open_to_lane))
    return tuple(parts)


# SQL condition, among the tasks of a user's scope, for those they find under "anyone" (``me``: their id): those they
# may act on, and those a colleague has. Not a colleague's task of a confidential process: only its participants
# know it exists.
FINDABLE_IN_SCOPE = or_(Task.assignee_id.is_(None), Task.assignee_id == bindparam("me"),
                        ~Task.model_version_id.in_(select(ProcessModelVersion.id).where(
                            ProcessModelVersion.visibility == Visibility.PARTICIPANTS)))


def _open_to_lane() -> ColumnElement[bool]:
    return and_(Task.open_to_lane_at.is_not(None), Task.open_to_lane_at <= now())


def participates_in(user: User, through: ColumnElement[bool] | None = None,
                    beyond: Set[int] = frozenset()) -> ColumnElement[bool]:
    """SQL condition on instances ``user`` takes part in: started it, has or had a task in it, may complete one of
    its open tasks, or is the confidant whose dossier it is about. ``through``: only tasks meeting it are looked at
    (a task carries its instance's entity and model version); ``beyond``: entities whose tasks it excludes."""
    tasks = [select(Task.instance_id).where(*how, *([through] if through is not None else []))
             for how in _ways_of_taking_part(user, beyond)]
    # A UNION of lookups that an index answers each: on one condition ORing them, PostgreSQL reads every task
    # ``user`` ever had.
    return ProcessInstance.id.in_(union_all(
        *tasks, select(ProcessInstance.id).where(ProcessInstance.started_by_id == user.id),
        select(Dossier.escalation_instance_id).where(Dossier.confidant_id == user.id,
                                                     Dossier.escalation_instance_id.is_not(None))))


def _ways_of_taking_part(user: User, beyond: Set[int] = frozenset()) -> list[list[ColumnElement[bool]]]:
    """The tasks by which ``user`` takes part: those they have or completed, and the open ones of their lanes and
    scope that nobody has (a task taken or handed is its assignee's). ``beyond``: entities the caller looks past
    (their tasks are excluded by ``through``), so a scope within them is no way in and is not read."""
    ways = [[Task.assignee_id == user.id], [Task.completed_by_id == user.id]]
    for lane, scope in _lanes(user):
        offered = [Task.state == TaskState.READY, Task.assignee_id.is_(None), Task.lane == lane]
        if scope is None:
            ways.append(offered)
            continue
        if scope and not scope <= beyond:
            ways.append([*offered, Task.entity_id.in_(scope)])
        ways.append([*offered, _open_to_lane()])
    return ways


def instance_access(user: User, instance: ProcessInstance, participant: bool) -> InstanceAccess:
    """Participants see everything; of a confidential instance an admin sees that it exists, nobody else anything;
    of the others, admins and the entity's EOC secretary and PAPSY see everything."""
    if participant or instance.started_by_id == user.id:
        return InstanceAccess.FULL
    if instance.model_version.visibility == Visibility.PARTICIPANTS:
        return InstanceAccess.STATUS if user.has_role(Role.ADMIN) else InstanceAccess.NONE
    if user.has_role(Role.ADMIN) or acts_for(user, Role.EOC_SECRETARY, instance.entity_id) \
            or acts_for(user, Role.PAPSY, instance.entity_id):
        return InstanceAccess.FULL
    return InstanceAccess.NONE


def can_view_instance(user: User, instance: ProcessInstance, participant: bool = False) -> bool:
    """Everything of the instance: its subject, names, history, timings, open tasks and what closed tasks decided."""
    return instance_access(user, instance, participant) is InstanceAccess.FULL


def instances_visible_to(user: User) -> ColumnElement[bool]:
    """SQL condition for the instances listed to ``user`` (an admin's confidential rows show only their status)."""
    return or_(*visible_instance_parts(user))


def visible_instance_parts(user: User) -> list[ColumnElement[bool]]:
    """instances_visible_to as conditions no two of which hold for one instance, each answered from an index:
    a list counts them apart and adds the counts (on their OR PostgreSQL would test every instance).

    A PAPSY or EOC secretary: in their entities the ordinary instances and the confidential ones they take part in
    (by a task of a confidential process), elsewhere those they take part in (by a task of another entity). Their
    thousands of tasks in their own entities' ordinary instances are never gathered."""
    if user.has_role(Role.ADMIN):
        return [true()]
    entities = (entity_ids_for(user, Role.EOC_SECRETARY) or set()) | (entity_ids_for(user, Role.PAPSY) or set())
    if not entities:
        return [participates_in(user)]
    theirs = ProcessInstance.entity_id.in_(entities)
    confidential_task = in_list_of(Task.model_version_id, confidential_versions())
    elsewhere_task = in_list_of(Task.entity_id, select(Entity.id).where(Entity.id.not_in(entities)))
    return [and_(theirs, or_(~_confidential_instance(), participates_in(user, through=confidential_task))),
            and_(~theirs, participates_in(user, through=elsewhere_task, beyond=entities))]


def counted_instance_parts(user: User) -> tuple[set[int] | None, list[ColumnElement[bool]]]:
    """visible_instance_parts, split for counting: the entities of whose ordinary (not confidential) instances
    ``user`` lists every one (None: all entities), which a list counts from the tally (models.InstanceTally), and
    conditions for the others, no two of which hold for one instance."""
    if user.has_role(Role.ADMIN):
        return None, [_confidential_instance()]
    entities = (entity_ids_for(user, Role.EOC_SECRETARY) or set()) | (entity_ids_for(user, Role.PAPSY) or set())
    if not entities:
        return set(), [participates_in(user)]
    theirs = ProcessInstance.entity_id.in_(entities)
    confidential_task = in_list_of(Task.model_version_id, confidential_versions())
    elsewhere_task = in_list_of(Task.entity_id, select(Entity.id).where(Entity.id.not_in(entities)))
    return entities, [and_(theirs, participates_in(user, through=confidential_task), _confidential_instance()),
                      and_(~theirs, participates_in(user, through=elsewhere_task, beyond=entities))]


def instance_details_visible_to(user: User) -> ColumnElement[bool]:
    """SQL condition, among the instances listed to ``user``, for those whose subject, entity and start ``user`` sees:
    all but an admin's confidential rows he takes no part in. Search and the filters on these details look only
    here, so they never match, count or reveal a row listed by its status alone."""
    if not user.has_role(Role.ADMIN):
        return true()  # whatever else is listed to them, they take part in or see in full
    return or_(~_confidential_instance(), participates_in(user))


def _confidential_instance() -> ColumnElement[bool]:
    return in_list_of(ProcessInstance.model_version_id, confidential_versions())  # tested on every listed row


def confidential_versions():
    """SQL: the ids of the process versions only their participants know of."""
    return select(ProcessModelVersion.id).where(ProcessModelVersion.visibility == Visibility.PARTICIPANTS)


def may_know_of_process(user: User, version: ProcessModelVersion, lanes: frozenset[str]) -> bool:
    """Whether lists may name this process to ``user`` (a filter's choices): a confidential one only to admins and to
    the roles acting in one of its ``lanes``; the employer side never learns that it exists."""
    if not version.confidential:
        return True
    return user.has_role(Role.ADMIN) or any(role.value in lanes for role in user.roles)


def may_be_told_of_task(user: User, task: Task) -> bool:
    """A mail about a task (new, late, offered) goes only to who may act on it: for a confidential instance, its
    participants, never the rest of the entity."""
    return user.active and can_complete(user, task)


def can_read_mail_text(user: User, about_confidential_process: bool, recipient: str) -> bool:
    """The outbox shows a mail's subject and text, but of a mail about a confidential process only that it exists
    and how its delivery went (unless it was sent to ``user``)."""
    return not about_confidential_process or recipient == user.email


def can_view_roster(user: User) -> bool:
    """The list of active confidants is published (R14): every signed-in user may see it."""
    return user.is_authenticated


def can_view_full_roster(user: User) -> bool:
    """The list of all appointed confidants, inactive and former ones too, is the GDPB's (R15)."""
    return user.has_role(Role.PAPSY) or user.has_role(Role.ADMIN)


def roster_statuses_for(user: User) -> list[str]:
    """The roster statuses ``user`` may list."""
    return ["active", "inactive", "former"] if can_view_full_roster(user) else ["active"]


def signed_in_by_token() -> bool:
    """This request came with an API token (app/api/routes.py), not from a session that gave the second factor."""
    return has_request_context() and g.get("api_user") is not None


def can_read_confidential(user: User) -> bool:
    """Dossiers, requester names, summaries and certificates: never through an API token, which skips the
    second factor and is kept in scripts and integrations."""
    return user.is_authenticated and not signed_in_by_token()


def can_view_file(user: User, uploader: User | None) -> bool:
    """An uploaded file (a training certificate): its uploader, and the PAPSY of the uploader's entity."""
    if uploader is None or not can_read_confidential(user):
        return False
    return user.id == uploader.id or (uploader.entity_id is not None
                                      and acts_for(user, Role.PAPSY, uploader.entity_id))


def can_manage_platform(user: User) -> bool:
    return user.has_role(Role.ADMIN)


def can_administer_instances(user: User) -> bool:
    """Suspend, resume and terminate any instance (of a confidential one, knowing only its status)."""
    return user.has_role(Role.ADMIN)


def can_keep_dossiers(user: User) -> bool:
    """Confidants register requests (R6); nobody else keeps dossiers."""
    return user.has_role(Role.CONFIDANT) and user.entity_id is not None


def can_hold_dossiers(user: User) -> bool:
    """Who has a dossier list and may open the dossiers kept under their name: the confidants, and a PAPSY, who keeps
    the dossiers a confidant laying down the role handed over to them with the requesters' consent (R19). Only
    confidants register new ones (``can_keep_dossiers``). Never an admin, whatever other role the account holds."""
    return (can_keep_dossiers(user) or user.has_role(Role.PAPSY)) and not user.has_role(Role.ADMIN)


def has_dossier_list(session: Session, user: User) -> bool:
    """Who enters the dossier pages: every confidant; a PAPSY once a dossier was handed over to them (one indexed
    look-up, for a PAPSY only)."""
    if can_keep_dossiers(user):
        return True
    return can_hold_dossiers(user) and session.scalar(
        select(Dossier.id).where(Dossier.confidant_id == user.id).limit(1)) is not None


def can_open_dossier(user: User, confidant_id: int) -> bool:
    """A dossier is its keeper's alone (R2): its confidant's, or the PAPSY's it was handed over to (R19); never an
    admin's, nor another PAPSY's."""
    return can_hold_dossiers(user) and user.id == confidant_id and can_read_confidential(user)


def can_view_data_names(user: User, access: InstanceAccess) -> bool:
    """The names of an instance's workflow data (never their values) are an admin's, to administer it; of a
    confidential instance only when he takes part in it (only then is his access full)."""
    return user.has_role(Role.ADMIN) and access is InstanceAccess.FULL


from app.auth.network_policy import *  # noqa: E402,F401,F403 (intervision and trainings: one policy, two files)
from app.auth.reporting_policy import *  # noqa: E402,F401,F403 (reports and registers, issue 13)
