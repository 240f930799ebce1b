"""The `vertrouwd model` commands: the process models and their versions, a new version from a BPMN file."""
from __future__ import annotations

from pathlib import Path

import click

from app.config import Settings
from app.db import db


@click.group()
def model() -> None:
    """Process models and their versions."""


@model.command("list")
def model_list() -> None:
    """Each process model: its key, name, current version and how many versions it has."""
    from sqlalchemy import func, select

    from app.models import ProcessModel, ProcessModelVersion

    session = db.session()
    counts = dict(session.execute(select(ProcessModelVersion.model_key, func.count())
                                  .group_by(ProcessModelVersion.model_key)).all())
    for row in session.scalars(select(ProcessModel).order_by(ProcessModel.key)):
        current = row.current_version
        click.echo(f"{row.key}\t{row.name}\tversion {current.version if current else '-'} "
                   f"of {counts.get(row.key, 0)}\t{current.visibility if current else ''}".rstrip())


@model.command("deploy")
@click.argument("bpmn_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--forms", "forms_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The forms folder (default: FORMS_DIR).")
@click.option("--comment", help="Why this version (kept with it).")
def model_deploy(bpmn_file: Path, forms_dir: Path | None, comment: str | None) -> None:
    """Deploy the executable processes of BPMN_FILE as new versions, with the processes and decisions beside it that
    they use and their scenarios (scenarios/KEY/*.json beside it). Running instances stay on their version; a model
    with a problem or a failing scenario is refused whole."""
    from app.engine.errors import ModelInvalid
    from app.engine.registry import deploy_file
    from app.modeling import scenarios

    if comment is not None and len(comment) > 500:
        raise click.BadParameter("at most 500 characters", param_hint="--comment")
    session = db.session()
    current = _current_versions(session)
    try:
        versions = deploy_file(session, bpmn_file, forms_dir or Settings().forms_dir, comment=comment,
                               verify=scenarios.gate)
    except ModelInvalid as refused:
        session.rollback()
        for problem in refused.problems:
            element = getattr(problem, "element", None)
            click.echo(f"  {element or '-'}: {problem}", err=True)
        raise click.ClickException(f"{bpmn_file.name} was not deployed: {len(refused.problems)} problem(s)") from None
    session.commit()
    if not versions:
        raise click.ClickException(f"{bpmn_file.name} defines no executable process")
    for version in versions:
        unchanged = current.get(version.model_key) == version.id
        click.echo(f"process model {version.model_key}: version {version.version}"
                   + (" (unchanged)" if unchanged else ""))


def _current_versions(session) -> dict[str, int | None]:
    from sqlalchemy import select

    from app.models import ProcessModel

    return dict(session.execute(select(ProcessModel.key, ProcessModel.current_version_id)).all())


@model.command("diff")
@click.argument("key")
@click.argument("old", type=click.IntRange(min=1))
@click.argument("new", type=click.IntRange(min=1))
def model_diff(key: str, old: int, new: int) -> None:
    """What changed from version OLD to version NEW of model KEY: the diagram's elements (by id, kind and name; not
    the layout) and the forms."""
    from app.modeling.diff import diff_versions

    session = db.session()
    before, after = _version(session, key, old), _version(session, key, new)
    difference = diff_versions(before, after)
    click.echo(f"{key}: version {old} -> {new}")
    if difference.empty:
        click.echo("  no change")
    for change in difference.elements:
        name = f" {change.name!r}" if change.name else ""
        details = f": {'; '.join(change.details)}" if change.details else ""
        click.echo(f"  {change.change:<8} {change.kind} {change.element}{name}{details}")
    for change, form in difference.forms:
        click.echo(f"  {change:<8} form {form}")


def _version(session, key: str, number: int):
    from sqlalchemy import select

    from app.models import ProcessModelVersion

    version = session.scalar(select(ProcessModelVersion).where(ProcessModelVersion.model_key == key,
                                                                ProcessModelVersion.version == number))
    if version is None:
        raise click.ClickException(f"model {key} has no version {number}")
    return version


@model.command("rollback")
@click.argument("key")
@click.argument("number", type=click.IntRange(min=1))
@click.option("--comment", help="Why (kept with the new version).")
def model_rollback(key: str, number: int, comment: str | None) -> None:
    """Deploy version NUMBER of model KEY again, as a new version: new instances start on it, running ones stay on
    theirs (move them with the API's migrate)."""
    from app.engine.registry import deploy

    if comment is not None and len(comment) > 500:
        raise click.BadParameter("at most 500 characters", param_hint="--comment")
    session = db.session()
    old = _version(session, key, number)
    current = _current_versions(session).get(key)
    version = deploy(session, key, dict(old.bpmn_files), dict(old.forms), translations=old.translations or {},
                     comment=comment or f"version {number} again", scenarios=old.scenarios or {})
    session.commit()
    if version.id == current:
        click.echo(f"process model {key}: version {version.version} is version {number} already (unchanged)")
    else:
        click.echo(f"process model {key}: version {version.version} (the content of version {number})")


@model.command("test")
@click.argument("key")
def model_test(key: str) -> None:
    """Run the scenarios of the current version of model KEY: a line per scenario; exit code 1 when one fails. Nothing
    they do is kept."""
    from app.engine.errors import NotFound
    from app.engine.registry import current_version
    from app.modeling.scenarios import run_all

    session = db.session()
    try:
        version = current_version(session, key)
    except NotFound:
        raise click.ClickException(f"unknown process model {key}") from None
    results = run_all(session, version)
    session.rollback()
    if not results:
        click.echo(f"{key} version {version.version}: no scenarios")
    for result in results:
        where = f" [{result.element}]" if result.element else ""
        click.echo(f"{'passed' if result.passed else 'FAILED'}  {result.name}" + ("" if result.passed else
                                                                                   f": {result.message}{where}"))
    if not all(result.passed for result in results):
        raise SystemExit(1)
