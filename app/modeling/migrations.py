"""Bulk migration (issue 10): an admin moves every running instance of one version of a process to another, or
first sees what would change (a dry run). A run is a job with its progress; each instance moves in a transaction
of its own and gets one result, so a worker killed halfway leaves a run that continues where it stopped.
"""
from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import dispatch
from app.auth import policy
from app.clock import now
from app.engine.errors import Conflict, EngineError, InvalidData, NotAllowed, NotFound
from app.engine.migration import said
from app.models import InstanceStatus, MigrationResult, MigrationRun, ProcessInstance, ProcessModelVersion, User
from app.workflow import instance_admin, instance_list

log = logging.getLogger(__name__)
MOVABLE = (InstanceStatus.RUNNING, InstanceStatus.INCIDENT, InstanceStatus.SUSPENDED)
OUTCOMES = ("moved", "possible", "refused", "failed")
RUN_FILTERS = ("entity", "status", "started_from", "started_to", "incident")  # the instance list's, but the model


def start(session: Session, user: User, key: str, body: dict) -> MigrationRun:
    """A run for ``body`` ({"from_version": A, "to_version": B, "dry_run": true|false, "filters": {...}}: the
    instance list's filters entity, status, started_from, started_to, incident narrow the instances); the same
    request while an earlier one is unfinished continues that one. Its job is queued once the transaction commits."""
    _require_admin(user)
    source, target, dry_run = _versions(session, key, body)
    filters = run_filters(session, body.get("filters"))
    unfinished = session.scalars(select(MigrationRun).where(
        MigrationRun.model_key == key, MigrationRun.from_version == source.version,
        MigrationRun.to_version == target.version, MigrationRun.dry_run == dry_run,
        MigrationRun.finished_at.is_(None)))
    run = next((run for run in unfinished if run.filters == filters), None)
    if run is None:
        chosen = _remaining(session, source.id, None, _narrowing(session, user, filters))
        run = MigrationRun(model_key=key, from_version=source.version, to_version=target.version, dry_run=dry_run,
                           filters=filters, total=len(chosen), requested_by_id=user.id, created_at=now())
        session.add(run)
        session.flush()
    run_id = run.id
    dispatch.on_commit(session, lambda port: port.migration_queued(run_id))
    return run


def run_batch(session: Session, run_id: int, limit: int = 50) -> bool:
    """Move (or plan) up to ``limit`` instances of the run that have no result yet, each in its own transaction;
    True when none is left (the run is then finished)."""
    run = session.get(MigrationRun, run_id)
    if run is None or run.finished_at is not None:
        return True
    source = _version_row(session, run.model_key, run.from_version)
    admin = session.get(User, run.requested_by_id)
    remaining = _remaining(session, source.id, run.id, _narrowing(session, admin, run.filters))
    for instance_id in remaining[:limit]:
        _one(session, run, admin, instance_id)
    if len(remaining) <= limit:
        run.finished_at = now()
        session.commit()
        return True
    return False


def run_for_real(session: Session, user: User, dry_run_id: int) -> MigrationRun:
    """After a finished dry run, the real run of the same versions and filters (the same request again while it is
    unfinished continues it)."""
    dry = run_of(session, user, dry_run_id)
    if not dry.dry_run or dry.finished_at is None:
        raise Conflict(_l("Eerst moet de proefmigratie klaar zijn; daarna verhuist u de processen echt."))
    filters = {name: value for name, value in (dry.filters or {}).items() if name != "zone"} or None
    return start(session, user, dry.model_key, {"from_version": dry.from_version, "to_version": dry.to_version,
                                                "dry_run": False, "filters": filters})


def run_of(session: Session, user: User, run_id: int) -> MigrationRun:
    _require_admin(user)
    run = session.get(MigrationRun, run_id)
    if run is None:
        raise NotFound(_l("Deze migratie bestaat niet."))
    return run


def counts_of(session: Session, run_id: int) -> dict[str, int]:
    """How many instances of the run got each outcome so far."""
    counts = dict(session.execute(select(MigrationResult.outcome, func.count()).where(MigrationResult.run_id == run_id)
                                  .group_by(MigrationResult.outcome)).all())
    return {outcome: counts.get(outcome, 0) for outcome in OUTCOMES}


def progress(session: Session, user: User, run_id: int) -> tuple[MigrationRun, dict[str, int], list[MigrationResult]]:
    run = run_of(session, user, run_id)
    results = list(session.scalars(select(MigrationResult).where(MigrationResult.run_id == run_id)
                                   .order_by(MigrationResult.id)))
    return run, counts_of(session, run_id), results


def _one(session: Session, run: MigrationRun, admin: User, instance_id: int) -> None:
    run_id, to_version, dry_run = run.id, run.to_version, run.dry_run
    try:
        plan = instance_admin.migrate(session, admin, instance_id, {"version": to_version, "dry_run": True})
        if plan.blockers:
            outcome, reasons = "refused", plan.kept_blockers
        elif dry_run:
            outcome, reasons = "possible", []
        else:
            instance_admin.migrate(session, admin, instance_id, {"version": to_version, "dry_run": False})
            outcome, reasons = "moved", []
    except EngineError as refused:
        session.rollback()
        outcome, reasons = "failed", [said(refused.message)]
    except Exception as error:  # one instance never stops the run; its class goes to the log, not its text
        session.rollback()
        log.warning("migration run %s: instance %s failed: %s", run_id, instance_id, type(error).__name__)
        outcome, reasons = "failed", [said(_l("een onverwachte fout in het programma"))]
    session.add(MigrationResult(run_id=run_id, instance_id=instance_id, outcome=outcome, reasons=reasons, at=now()))
    session.commit()


def run_filters(session: Session, given: object) -> dict[str, str] | None:
    """The instance list's filters a run chooses its instances by, checked as the list checks them, with the time
    zone of their days (the worker that applies them has no request); None when there are none."""
    if given is None:
        return None
    if not isinstance(given, dict) or not all(isinstance(value, str) for value in given.values()) \
            or set(given) - set(RUN_FILTERS):
        raise InvalidData({"filters": str(_l("Filter op %(names)s, elk met tekst als waarde.",
                                             names=", ".join(RUN_FILTERS)))})
    chosen = {name: value.strip() for name, value in given.items() if value.strip()}
    if not chosen:
        return None
    if chosen.get("status") and chosen["status"] not in MOVABLE:
        raise InvalidData({"status": str(_l("Alleen een lopend of opgeschort proces of een met een incident kan "
                                            "naar een andere versie."))})
    try:
        instance_list.parse_filters(session, chosen)
    except InvalidData as refused:
        raise InvalidData({name: str(message) for name, message in refused.errors.items()}) from None
    return {**chosen, "zone": instance_list.display_zone()}


def _narrowing(session: Session, admin: User, filters: dict | None) -> list:
    """SQL conditions of the run's filters, as the instance list has them for the admin who asked (a confidential
    instance he takes no part in never matches a filter on its entity or start)."""
    if not filters:
        return []
    parsed = instance_list.parse_filters(session, {k: v for k, v in filters.items() if k != "zone"},
                                         zone=filters.get("zone"))
    narrowing = instance_list.conditions(admin, parsed)
    if parsed.status:
        narrowing.append(ProcessInstance.status == parsed.status)
    return narrowing


def _remaining(session: Session, source_id: int, run_id: int | None, narrowing: list) -> list[int]:
    """The instances still on the source version, not ended, chosen by the run's filters, without a result in
    the run."""
    query = select(ProcessInstance.id).where(ProcessInstance.model_version_id == source_id,
                                              ProcessInstance.status.in_(MOVABLE), *narrowing)
    if run_id is not None:
        query = query.where(ProcessInstance.id.not_in(select(MigrationResult.instance_id)
                                                      .where(MigrationResult.run_id == run_id)))
    return list(session.scalars(query.order_by(ProcessInstance.id)))


def _versions(session: Session, key: str, body: dict) -> tuple[ProcessModelVersion, ProcessModelVersion, bool]:
    errors, found = {}, {}
    for name in ("from_version", "to_version"):
        number = body.get(name)
        version = _version_row(session, key, number) if isinstance(number, int) and not isinstance(number, bool) \
            else None
        if version is None:
            errors[name] = str(_l("Geef het nummer van een versie van dit proces."))
        found[name] = version
    dry_run = body.get("dry_run", True)
    if not isinstance(dry_run, bool):
        errors["dry_run"] = str(_l("dry_run is true of false."))
    if not errors and found["from_version"].id == found["to_version"].id:
        errors["to_version"] = str(_l("Kies een andere versie dan die waarvan de processen vertrekken."))
    if errors:
        raise InvalidData(errors)
    return found["from_version"], found["to_version"], dry_run


def _version_row(session: Session, key: str, number: int) -> ProcessModelVersion | None:
    return session.scalar(select(ProcessModelVersion).where(ProcessModelVersion.model_key == key,
                                                            ProcessModelVersion.version == number))


def _require_admin(user: User) -> None:
    if not policy.can_administer_instances(user):
        raise NotAllowed(_l("Alleen een beheerder verplaatst processen naar een andere versie."))

