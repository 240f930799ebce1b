"""The `vertrouwd` command: init, demo data, entities, users, API tokens, run and worker."""
from __future__ import annotations

import sys

import click
from sqlalchemy import select

from app.config import Settings
from app.db import db


def _session():
    return db.session()


@click.group()
def main() -> None:
    """Vertrouwd: case management for the confidants' network."""
    db.configure(Settings().database_url)


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
def demo() -> None:
    """Load the demo entities and people (idempotent) and print the logins."""
    from app.demo import DEMO_PASSWORD, load_demo

    session = _session()
    users = load_demo(session)
    session.commit()
    click.echo("Demo logins (password for all: %s):" % DEMO_PASSWORD)
    for user in users:
        roles = ", ".join(sorted(r.value for r in user.roles))
        entity = user.entity.code if user.entity else ", ".join(e.code for e in user.papsy_entities) or "-"
        click.echo(f"  {user.email:<42} {roles:<22} {entity}")


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
def user() -> None:
    """User accounts."""


@user.command("add")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(["confidant", "papsy", "eoc_secretary", "admin"]))
@click.option("--entity", "entity_codes", multiple=True, help="Entity code; a PAPSY may have several.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_add(email: str, name: str, roles: tuple[str, ...], entity_codes: tuple[str, ...], password_stdin: bool) -> None:
    """Add a user with one or more roles."""
    from app.auth.accounts import AccountError, assign_papsy, ensure_user, find_user
    from app.models import Entity, Role

    session = _session()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise click.ClickException(f"not an e-mail address: {email}")
    if find_user(session, email):
        raise click.ClickException(f"user {email} exists already")
    entities = []
    for code in entity_codes:
        found = session.scalar(select(Entity).where(Entity.code == code))
        if found is None:
            raise click.ClickException(f"unknown entity {code}")
        entities.append(found)
    needs_entity = {"confidant", "eoc_secretary"} & set(roles)
    if needs_entity and len(entities) != 1:
        raise click.ClickException("a confidant or EOC secretary belongs to exactly one entity (--entity CODE)")
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        account = ensure_user(session, email, name, [Role(r) for r in roles],
                              entity_id=entities[0].id if needs_entity else None, password=password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    if "papsy" in roles:
        for found in entities:
            assign_papsy(session, account, found)
    session.commit()
    click.echo(f"user {account.email} added")


@user.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
def user_set_password(email: str, password_stdin: bool) -> None:
    """Set the password of an existing user (e.g. a confidant whose account the appointment created)."""
    from app.auth.accounts import AccountError, find_user, set_password

    session = _session()
    account = find_user(session, email)
    if account is None:
        raise click.ClickException(f"unknown user {email}")
    try:
        set_password(account, sys.stdin.readline().rstrip("\n"))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(f"password of {account.email} set")


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.argument("email")
def token_create(email: str) -> None:
    """Create an API token for EMAIL and print it (it is shown only once)."""
    from app.auth.accounts import create_api_token, find_user

    session = _session()
    account = find_user(session, email)
    if account is None:
        raise click.ClickException(f"unknown user {email}")
    value = create_api_token(session, account)
    session.commit()
    click.echo(value)


@main.command()
def run() -> None:
    """Run everything on one machine: embedded Redis (unless REDIS_URL), one worker and the web server."""
    from app.setup import run_all

    run_all(Settings())


@main.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (for tests).")
def worker(burst: bool) -> None:
    """Run an RQ worker with its scheduler."""
    from workers.worker import run_worker

    run_worker(Settings(), burst=burst)


if __name__ == "__main__":
    main()
