"""The commands of the app: init, demo data, entities, users, API tokens, process models.

The `vertrouwd` command is these with `worker` and `run` added, wired to the workers: workers/cli.py.
"""
from __future__ import annotations

import logging
from pathlib import Path

import click
from sqlalchemy import select

from app.cli_accounts import token, user
from app.cli_models import model
from app.cli_periodic import periodic_group
from app.config import Settings
from app.db import db
from app.intervision.cli import intervision
from app.incidents.cli import incidents
from app.evaluation.cli import evaluation


def _session():
    return db.session()


@click.group()
def main() -> None:
    """Vertrouwd: case management for the confidants' network."""
    from app import register_areas

    db.configure(Settings().database_url)
    register_areas()  # `init` checks the models' service tasks against them


@main.command()
def init() -> None:
    """Create or upgrade the database (Alembic) and import bpmn/ and forms/ as process model versions."""
    from app.engine.registry import import_directory
    from app.setup import upgrade_database

    settings = Settings()
    upgrade_database(settings.database_url)
    session = _session()
    versions = import_directory(session, settings.bpmn_dir, settings.forms_dir)
    session.commit()
    for version in versions:
        click.echo(f"process model {version.model_key}: version {version.version}")


@main.command()
@click.option("--dossiers", "dossier_count", type=click.IntRange(0, 1_000_000), default=0,
              help="Also add this many synthetic dossiers (sealed like real ones) for the reports.")
def demo(dossier_count: int) -> None:
    """Load the demo entities, people and cases (idempotent) and print the logins."""
    from app.config import INSTANCE_DIR
    from app.crypto import recovery as recovery_keys
    from app.demo import DEMO_PASSWORD, load_demo

    session = _session()
    logins = [_login_line(person) for person in load_demo(session)]
    if recovery_keys.current(session) is None:
        key_file = INSTANCE_DIR / "demo-recovery-key.pem"
        recovery_keys.init(session, key_file)
        click.echo(f"Demo recovery key written to {key_file} (a real installation keeps it offline: "
                   "`vertrouwd recovery init FILE`)")
    session.commit()
    for case in _demo_cases():
        click.echo(f"Demo case made: {case}")
    if dossier_count:
        _demo_dossiers(session, dossier_count, DEMO_PASSWORD)
    click.echo("Demo logins (password for all: %s; at the first login you set up the code app):" % DEMO_PASSWORD)
    click.echo("WARNING: these are DEMO accounts. Their keys are sealed under this published demo password, so anyone "
               "with the database can open their dossiers. Never register real cases with them; real accounts get "
               "a setup link (`vertrouwd user add`) and choose their own password.")
    for line in logins:
        click.echo(line)


def _demo_dossiers(session, count: int, password: str) -> None:
    import time

    from app.reports import demo as report_demo
    from app.ui import local_today

    started = time.perf_counter()
    try:
        added = report_demo.add_dossiers(session, count, password, local_today())
    except ValueError as refusal:
        raise click.ClickException(str(refusal)) from None
    session.commit()
    click.echo(f"Demo dossiers added: {added} in {time.perf_counter() - started:.1f} s")


def _login_line(person) -> str:
    roles = ", ".join(sorted(r.value for r in person.roles))
    entity = person.entity.code if person.entity else ", ".join(e.code for e in person.papsy_entities) or "-"
    return f"  {person.email:<42} {roles:<22} {entity}"


def _demo_cases() -> list[str]:
    """The demo cases run the engine, mail and audit as the web does: inside the app."""
    from app import create_app
    from app.demo_cases import load_demo_cases

    with create_app(Settings()).app_context():
        session = _session()
        made = load_demo_cases(session)
        # Redis may not run yet (`make run` starts it after the demo): the timers are in the database, and the
        # worker's reconciler fires each one when it is due; no traceback for the job queue it could not reach.
        logging.getLogger("app.db").disabled = True
        try:
            session.commit()
        finally:
            logging.getLogger("app.db").disabled = False
    return made


@main.group()
def entity() -> None:
    """Entities."""


@entity.command("add")
@click.argument("code")
@click.argument("name")
def entity_add(code: str, name: str) -> None:
    """Add an entity CODE with its NAME."""
    from app.models import Entity

    session = _session()
    if session.scalar(select(Entity).where(Entity.code == code)):
        raise click.ClickException(f"entity {code} exists already")
    if not code.strip() or not name.strip():
        raise click.ClickException("CODE and NAME may not be empty")
    session.add(Entity(code=code.strip(), name=name.strip()))
    session.commit()
    click.echo(f"entity {code} added")


@main.group()
def recovery() -> None:
    """The GDPB recovery key."""


@recovery.command("init")
@click.argument("private_key_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rotate", is_flag=True, help="Replace the active recovery key (new dossiers use the new one).")
def recovery_init(private_key_file: Path, rotate: bool) -> None:
    """Make the GDPB recovery key pair: the private key goes to PRIVATE_KEY_FILE (keep it offline), the
    public key into the database."""
    from app.crypto import recovery as recovery_keys

    session = _session()
    try:
        row = recovery_keys.init(session, private_key_file, rotate=rotate)
    except recovery_keys.RecoveryKeyError as exc:
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(f"recovery key {row.fingerprint[:16]} stored; its private key is in {private_key_file}: move it "
               "to offline storage and delete it from this machine")


@main.group()
def audit() -> None:
    """The audit log of confidential access, a chain keyed with AUDIT_KEY."""


class AnchorFile(click.ParamType):
    """An anchor file written by `audit anchor --output`; a missing or malformed one is a usage error (exit 2)."""

    name = "file"

    def convert(self, value, param, ctx):
        from app.dossiers.audit import Anchor

        try:
            raw = Path(value).read_bytes().decode()
        except FileNotFoundError:
            self.fail(f"anchor file {value} does not exist", param, ctx)
        except OSError as exc:
            self.fail(f"anchor file {value} cannot be read ({exc.strerror})", param, ctx)
        except UnicodeDecodeError:
            self.fail(f"anchor file {value} is not text (not an anchor)", param, ctx)
        try:
            return Anchor.from_json(raw)
        except ValueError as exc:
            self.fail(f"anchor file {value}: {exc}", param, ctx)


@audit.command("verify")
@click.option("--anchor", type=AnchorFile(),
              help="An anchor taken earlier (`audit anchor`): the entries up to it must still be there, unchanged.")
def audit_verify(anchor) -> None:
    """Check the keyed chain (and the anchor); names the first broken link. Exit 0 intact, 1 broken."""
    from app.dossiers import audit as audit_log

    verdict = audit_log.verify(_session(), Settings().audit_key, anchor)
    if verdict.intact:
        held = f"; the anchor of {anchor.at or '?'} ({anchor.count} entries) holds" if anchor else ""
        click.echo(f"audit log intact: {verdict.entries} entries{held}")
        return
    if verdict.first_broken_id is None:
        raise click.ClickException(f"audit log broken: {verdict.reason}")
    raise click.ClickException(f"audit log broken at entry {verdict.first_broken_id}: {verdict.reason} "
                               f"({verdict.entries} entries before it are intact)")


@audit.command("anchor")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the anchor to this new file instead of printing it (an existing file is kept).")
def audit_anchor(output: Path | None) -> None:
    """Print the head (hash of the last entry) and the count as JSON, to keep outside the database."""
    from app.dossiers import audit as audit_log

    verdict = audit_log.verify(_session(), Settings().audit_key)
    if not verdict.intact:
        raise click.ClickException(f"no anchor for a broken chain (entry {verdict.first_broken_id}: "
                                   f"{verdict.reason}); see `vertrouwd audit verify`")
    anchor = verdict.anchor()
    if output is None:
        click.echo(anchor.to_json())
        return
    try:
        with output.open("x") as file:
            file.write(anchor.to_json() + "\n")
    except FileExistsError:
        raise click.BadParameter(f"{output} exists already; an anchor is never overwritten",
                                 param_hint="--output") from None
    except OSError as exc:
        raise click.BadParameter(f"{output} cannot be written ({exc.strerror})", param_hint="--output") from None
    click.echo(f"anchor written to {output}: {anchor.count} entries, last entry {anchor.entry_id}, head {anchor.head}")


@main.command("model-texts")
@click.option("--check", is_flag=True, help="Change nothing; fail when the catalogs do not match the models (CI).")
def model_texts(check: bool) -> None:
    """Update the catalogs of the models' texts (BPMN_DIR/translations/LOCALE.po, FORMS_DIR/translations/LOCALE.po):
    new texts are added untranslated, gone ones dropped, translations kept. Translate the empty msgstr entries."""
    from app.extensions import LOCALES
    from app.model_texts.catalogs import SOURCE_LOCALE, catalog_problems, update_folders

    settings = Settings()
    locales = [locale for locale in LOCALES if locale != SOURCE_LOCALE]
    if check:
        problems = [problem for locale in locales
                    for problem in catalog_problems(settings.bpmn_dir, settings.forms_dir, locale)]
        for problem in problems:
            click.echo(problem)
        if problems:
            raise click.ClickException(f"{len(problems)} problems in the model catalogs")
        return
    for path, count, untranslated in update_folders(settings.bpmn_dir, settings.forms_dir, locales):
        click.echo(f"{path}: {count} texts, {untranslated} without a translation")


main.add_command(user)
main.add_command(token)
main.add_command(model)
main.add_command(intervision)
main.add_command(periodic_group)
main.add_command(incidents)
main.add_command(evaluation)
