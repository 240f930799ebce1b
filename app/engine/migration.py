"""Moving a running instance onto another version of its process (issue 10), with SpiffWorkflow's own diff: the
tasks are aligned by their BPMN id (or their place in the flow), the open ones reset and predicted anew on the new
version. An instance whose completed or started step was changed or removed in the target cannot move: what it did
would no longer match its diagram (spiff-arena refuses the same). A dry run only says what would change.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import LazyString, gettext, lazy_gettext as _l
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.dossiers import audit
from app.engine import runner
from app.engine.errors import Conflict, InvalidData, NotFound
from app.engine.serialization import SERIALIZER, version_spec
from app.engine.timers import locked_instance
from app.models import InstanceStatus, ProcessInstance, ProcessModelVersion, User

_DONE = SpiffState.COMPLETED | SpiffState.STARTED | SpiffState.ERROR


class MigrationRefused(Conflict):
    """A completed or started step of the instance was changed or removed in the target version."""


@dataclass
class MigrationPlan:
    """What moving the instance would change, by step name; ``blockers``: why it cannot move."""

    instance_id: int
    from_version: int
    to_version: int
    blockers: list[str] = field(default_factory=list)
    kept_blockers: list[dict | str] = field(default_factory=list)  # the same as a result keeps them (said)
    removed: list[str] = field(default_factory=list)  # open or future steps the target no longer has
    changed: list[str] = field(default_factory=list)  # open or future steps the target defines otherwise
    added: list[str] = field(default_factory=list)  # steps only the target has
    migrated: bool = False

    @property
    def possible(self) -> bool:
        return not self.blockers


def migrate(session: Session, instance_id: int, actor: User, to_version: object, dry_run: bool) -> MigrationPlan:
    """The plan for moving the instance onto version ``to_version`` of its process; unless ``dry_run``, the move
    itself (Conflict with the plan's reasons when it cannot)."""
    instance = locked_instance(session, instance_id)
    if instance is None:
        raise NotFound(_l("Dit proces bestaat niet."))
    if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED):
        raise Conflict(_l("Dit proces is al afgelopen."))
    target = _target(session, instance, to_version)
    workflow = runner.load(instance)
    plan, diffs = _plan(instance, workflow, target)
    if dry_run:
        return plan
    if plan.blockers:
        raise MigrationRefused(_l("Dit proces kan niet naar versie %(version)d: %(reasons)s",
                                  version=target.version, reasons="; ".join(plan.blockers)))
    runner.move_to_version(session, instance, workflow, target, lambda: _rewrite(workflow, target, diffs))
    runner.record(session, instance, "migrated", None, actor, f"{plan.from_version} -> {plan.to_version}")
    audit.record(session, actor.id, None, f"{audit.Action.MIGRATE_INSTANCE} {instance.id}")
    plan.migrated = True
    return plan


def _target(session: Session, instance: ProcessInstance, number: object) -> ProcessModelVersion:
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise InvalidData({"version": str(_l("Geef het nummer van een versie van dit proces."))})
    target = session.scalar(select(ProcessModelVersion).where(
        ProcessModelVersion.model_key == instance.model_version.model_key, ProcessModelVersion.version == number))
    if target is None:
        raise InvalidData({"version": str(_l("Dit proces heeft geen versie %(version)d.", version=number))})
    if target.id == instance.model_version_id:
        raise InvalidData({"version": str(_l("Dit proces staat al op versie %(version)d.", version=number))})
    return target


def _plan(instance: ProcessInstance, workflow, target: ProcessModelVersion) -> tuple[MigrationPlan, dict]:
    new_spec, new_subprocess_specs = version_spec(target)
    plan = MigrationPlan(instance.id, instance.model_version.version, target.version)
    diffs = {None: _diff(workflow, workflow.spec, new_spec, plan)}
    for subprocess_id, subprocess in workflow.subprocesses.items():
        new = new_subprocess_specs.get(subprocess.spec.name)
        if new is None:
            if any(task.state & _DONE for task in subprocess.tasks.values()):
                _block(plan, _l("het opgeroepen proces '%(name)s' bestaat niet meer", name=subprocess.spec.name))
            continue
        diffs[subprocess_id] = _diff(subprocess, subprocess.spec, new, plan)
    for name in ("removed", "changed", "added"):
        setattr(plan, name, sorted(set(getattr(plan, name))))
    return plan, diffs


def _block(plan: MigrationPlan, reason: LazyString) -> None:
    if str(reason) not in plan.blockers:
        plan.blockers.append(str(reason))
        plan.kept_blockers.append(said(reason))


def said(reason) -> dict | str:
    """A reason as a result keeps it, so that each reader later gets it in their own language: the Dutch message and
    its values (what a lazy_gettext string holds); any other text as it is."""
    if isinstance(reason, LazyString) and reason._args:
        return {"text": reason._args[0], "values": {name: value if isinstance(value, (int, float)) else str(value)
                                                    for name, value in reason._kwargs.items()}}
    return str(reason)


def reason_text(reason: dict | str) -> str:
    """A kept reason in the reader's language; a result of an older version kept the Dutch text itself."""
    if isinstance(reason, dict):
        return gettext(reason["text"], **reason.get("values", {}))
    return str(reason)


def _diff(workflow, spec, new_spec, plan: MigrationPlan) -> WorkflowDiff:
    spec_diff = SpecDiff(SERIALIZER.registry, spec, new_spec)
    diff = WorkflowDiff(workflow, spec_diff)
    for task in diff.removed + diff.changed:
        name = _name(task.task_spec)
        if task.state & _DONE:
            _block(plan, _l("de afgewerkte stap '%(name)s' werd gewijzigd of verwijderd", name=name))
        elif name:
            (plan.removed if task in diff.removed else plan.changed).append(name)
    plan.added.extend(name for spec in spec_diff.added if (name := _name(spec)))
    return diff


def _rewrite(workflow, target: ProcessModelVersion, diffs: dict) -> None:
    new_spec, new_subprocess_specs = version_spec(target)
    migrate_workflow(diffs[None], workflow, new_spec)
    for subprocess_id, diff in diffs.items():
        if subprocess_id is not None and subprocess_id in workflow.subprocesses:
            subprocess = workflow.subprocesses[subprocess_id]
            migrate_workflow(diff, subprocess, new_subprocess_specs[subprocess.spec.name])
    workflow.subprocess_specs = new_subprocess_specs


def _name(task_spec) -> str | None:
    """What people call the step (its BPMN name); the engine's own inner specs have none and are not told."""
    return getattr(task_spec, "bpmn_name", None) or None
