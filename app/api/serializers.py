"""How API responses look: plain dicts from models."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.engine.migration import reason_text
from app.models import ProcessInstance, ProcessModelVersion, Task
from app.roster.full_list import Listed
from app.workflow import instances
from app.workflow.instances import incident_text
from app.workflow.inbox import InboxTask
from app.workflow.instance_list import InstanceRow


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def process_model(start_form, version: ProcessModelVersion) -> dict:
    form = start_form(version)
    return {
        "key": version.model_key, "name": version.model.name, "version": version.version,
        "start_form": form.schema if form else None, "start_roles": list(version.start_roles),
    }


def task(row: Task) -> dict:
    assignee = row.assignee
    return _task(row, row.instance.model_version, row.entity.code, row.instance.subject,
                 (assignee.email, assignee.name) if assignee else None)


def inbox_task(row: InboxTask) -> dict:
    """A task of the inbox's list, as ``task`` shows it."""
    return _task(row, row.version, row.entity_code, row.subject,
                 (row.assignee_email, row.assignee_name) if row.assignee_id else None)


def _task(row: Task | InboxTask, version: ProcessModelVersion, entity: str, subject: str | None,
          assignee: tuple[str, str] | None) -> dict:
    return {
        "id": row.id, "instance_id": row.instance_id, "process": version.model.name, "step": row.title,
        "role": row.lane, "entity": entity, "state": str(row.state), "since": _iso(row.created_at),
        "due_at": _iso(row.due_at), "subject": subject, "model": version.model_key,
        "assignee": {"email": assignee[0], "name": assignee[1]} if assignee else None,
    }


def model_version(row: ProcessModelVersion, current: bool) -> dict:
    """A deployed version of a process: its number, who deployed it, when and why."""
    return {"model": row.model_key, "version": row.version, "current": current, "created_at": _iso(row.created_at),
            "created_by": row.created_by.email if row.created_by else None, "comment": row.comment,
            "checksum": row.checksum}


def instance(session: Session, row: ProcessInstance) -> dict:
    return {
        "id": row.id, "status": str(row.status), "model": row.model_version.model_key,
        "version": row.model_version.version, "entity": row.entity.code, "subject": row.subject,
        "started_at": _iso(row.started_at), "completed_at": _iso(row.completed_at),
        "open_tasks": [task(t) for t in instances.open_tasks(session, row)],
        "pending_timers": [{"id": t.id, "step": t.spec_name, "due_at": _iso(t.due_at), "state": str(t.state)}
                           for t in instances.pending_timers(session, row)],
        "history": [{"at": _iso(e.at), "kind": e.kind, "step": e.step, "by": e.actor.name if e.actor else None}
                    for e in instances.history(session, row)],
    }


def instance_summary(row: InstanceRow) -> dict:
    """An instance in a list: what it is, for whom, about what, when (its tasks and history: ask for the instance)."""
    return {
        "id": row.id, "status": str(row.status), "model": row.model_version.model_key,
        "version": row.model_version.version, "entity": row.entity_code, "subject": row.subject,
        "started_at": _iso(row.started_at), "completed_at": _iso(row.completed_at), "incident": incident_text(row),
    }


def instance_status(row: ProcessInstance) -> dict:
    """A confidential instance to an admin who takes no part: that it exists, its status and incident."""
    return {"id": row.id, "status": str(row.status), "model": row.model_version.model_key, "incident": incident_text(row)}


def confidant(row: Listed) -> dict:
    """A confidant on the roster; for the GDPB, who keeps the list of all appointed (R15), also the inactivity
    period (the current or next one), the end of the role of a former one and the basic training (R11)."""
    c = row.confidant
    shown = {"name": c.name, "email": c.email, "entity": c.entity.code, "entity_name": c.entity.name,
             "status": str(c.status), "appointed_on": _iso(c.appointed_on), "phone": c.phone,
             "work_location": c.work_location}
    if not row.full:
        return shown
    return {**shown, "inactive_from": _iso(row.period.starts_on) if row.period else None,
            "inactive_until": _iso(row.period.ends_on) if row.period else None,
            "ended_on": _iso(c.ended_on) if c.status == "former" else None,
            "training_status": row.training, "training_date": _iso(row.training_on)}


def migration_plan(plan) -> dict:
    """What moving an instance to another version changes (engine/migration.py MigrationPlan), by step name."""
    return {"instance": plan.instance_id, "from_version": plan.from_version, "to_version": plan.to_version,
            "possible": plan.possible, "migrated": plan.migrated, "blockers": plan.blockers,
            "removed": plan.removed, "changed": plan.changed, "added": plan.added}


def migration_run(run, counts: dict[str, int], results: list) -> dict:
    """A bulk migration with its progress: how many instances it found, what became of each so far."""
    return {"id": run.id, "model": run.model_key, "from_version": run.from_version, "to_version": run.to_version,
            "dry_run": run.dry_run, "filters": run.filters, "total": run.total, "done": sum(counts.values()), **counts,
            "finished": run.finished_at is not None, "created_at": _iso(run.created_at),
            "finished_at": _iso(run.finished_at),
            "results": [{"instance": row.instance_id, "outcome": row.outcome, "reasons": [reason_text(reason) for reason in row.reasons]}
                        for row in results]}
