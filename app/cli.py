"""The `vertrouwd` command: init, demo data, entities, users, API tokens, run and worker."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select

from app.clock import now
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
    from app.auth import second_factor
    from app.engine.registry import import_directory
    from app.setup import upgrade_database

    settings = Settings()
    upgrade_database(settings.database_url)
    session = _session()
    versions = import_directory(session, settings.bpmn_dir, settings.forms_dir)
    second_factor.configure(settings.totp_key)
    sealed = second_factor.seal_clear_secrets(session)
    session.commit()
    for version in versions:
        click.echo(f"process model {version.model_key}: version {version.version}")
    if sealed:
        click.echo(f"TOTP secrets of {sealed} users sealed under TOTP_KEY")
    _rekey_audit_chain(session, settings.audit_key)


def _rekey_audit_chain(session, audit_key: str) -> None:
    """Once, after the upgrade to the keyed chain: the plain SHA-256 entries are re-chained with AUDIT_KEY."""
    from app.dossiers import audit as audit_log

    try:
        count = audit_log.rekey_legacy(session, audit_key)
    except audit_log.ChainError as exc:
        session.rollback()  # the deploy goes on; `audit verify` keeps reporting the chain until someone looks
        click.echo(f"WARNING audit log: {exc}", err=True)
        return
    session.commit()
    if count:
        click.echo(f"audit log: {count} entries re-keyed with AUDIT_KEY (once); take an anchor now: "
                   "`vertrouwd audit anchor --output FILE`")


@main.command()
def demo() -> None:
    """Load the demo entities and people (idempotent) and print the logins."""
    from app.config import INSTANCE_DIR
    from app.crypto import recovery as recovery_keys
    from app.demo import DEMO_PASSWORD, load_demo

    session = _session()
    users = load_demo(session)
    if recovery_keys.current(session) is None:
        key_file = INSTANCE_DIR / "demo-recovery-key.pem"
        recovery_keys.init(session, key_file)
        click.echo(f"Demo recovery key written to {key_file} (a real installation keeps it offline: "
                   "`vertrouwd recovery init FILE`)")
    session.commit()
    click.echo("Demo logins (password for all: %s; at the first login you set up the code app):" % DEMO_PASSWORD)
    click.echo("WARNING: these are DEMO accounts. Their keys are sealed under this published demo password, so anyone "
               "with the database can open their dossiers. Never register real cases with them; real accounts get "
               "a setup link (`vertrouwd user add`) and choose their own password.")
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
@click.option("--password-stdin", is_flag=True,
              help="Read a temporary password from standard input (without it: print a setup link).")
def user_add(email: str, name: str, roles: tuple[str, ...], entity_codes: tuple[str, ...], password_stdin: bool) -> None:
    """Add a user with one or more roles; they choose their own password (setup link or temporary password)."""
    from app.auth.accounts import AccountError, assign_papsy, ensure_user, find_user
    from app.auth.own_password import set_temporary_password
    from app.models import Entity, Role

    session = _session()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise click.ClickException(f"not an e-mail address: {email}")
    if find_user(session, email):
        raise click.ClickException(f"user {email} exists already; roles are never added to an existing account "
                                   "(one person holding duties that must stay apart), so nothing was changed")
    entities = []
    for code in entity_codes:
        found = session.scalar(select(Entity).where(Entity.code == code))
        if found is None:
            raise click.ClickException(f"unknown entity {code}")
        entities.append(found)
    if {"admin", "confidant"} <= set(roles):
        raise click.ClickException("an administrator cannot also be a confidant (separation of duties)")
    needs_entity = {"confidant", "eoc_secretary"} & set(roles)
    if needs_entity and len(entities) != 1:
        raise click.ClickException("a confidant or EOC secretary belongs to exactly one entity (--entity CODE)")
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    account = ensure_user(session, email, name, [Role(r) for r in roles],
                          entity_id=entities[0].id if needs_entity else None)
    if "papsy" in roles:
        for found in entities:
            assign_papsy(session, account, found)
    if password is None:
        _setup_link(session, account)
        return
    try:
        set_temporary_password(session, account, password, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(f"user {account.email} added with a temporary password: at the first login they choose their own "
               "(their key pair is made then)")


@user.command("setup-link")
@click.argument("email")
def user_setup_link(email: str) -> None:
    """Print a one-time link (72 h) with which EMAIL chooses their own password; mailed when SMTP is set up.

    For a user who already has a key pair, using the link is a reset: a new key pair, and dossiers sealed for
    the old one need the recovery procedure."""
    from app.auth.accounts import find_user

    session = _session()
    account = find_user(session, email)
    if account is None:
        raise click.ClickException(f"unknown user {email}")
    _setup_link(session, account)


def _setup_link(session, account) -> None:
    """Issue, commit, mail (when SMTP is configured) and print a setup link for ``account``."""
    from app.auth import setup_links
    from workers import connection

    settings = Settings()
    connection.configure(settings)
    token = setup_links.issue(session, account)
    mailed = setup_links.mail(session, account, token)
    session.commit()
    click.echo(f"user {account.email}: setup link (valid 72 hours, once; the user chooses their own password):")
    click.echo(setup_links.url_for_token(settings.public_url, token))
    if mailed:
        click.echo(f"the link was also mailed to {account.email}")


@user.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
def user_set_password(email: str, password_stdin: bool) -> None:
    """Give an existing user a TEMPORARY password: at the next login they choose their own, and only then is their
    key pair made. For a user who had a key pair this is a reset: the pair is deleted, every session ends, and
    dossiers sealed for it need the recovery procedure (`vertrouwd user setup-link` needs no temporary password)."""
    from app.auth.accounts import AccountError, admin_set_password, find_user

    session = _session()
    account = find_user(session, email)
    if account is None:
        raise click.ClickException(f"unknown user {email}")
    password = sys.stdin.readline().rstrip("\n")
    try:
        had_key_pair = admin_set_password(session, account, password, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(f"temporary password of {account.email} set: at the next login they choose their own password, "
               "and their new key pair is made then")
    if had_key_pair:
        click.echo("NOTE: this user's key pair was deleted. Dossiers registered before now can only be opened again "
                   "through the recovery procedure (a PAPSY requests, an admin approves, with the GDPB recovery key), "
                   "after the user has chosen their own password.")


@user.command("reset-second-factor")
@click.argument("email")
def user_reset_second_factor(email: str) -> None:
    """A lost phone without recovery codes: the user enrols a new authenticator at the next login."""
    from app.auth import second_factor
    from app.auth.accounts import find_user

    session = _session()
    account = find_user(session, email)
    if account is None:
        raise click.ClickException(f"unknown user {email}")
    second_factor.reset(session, account)
    session.commit()
    click.echo(f"second factor of {account.email} reset: enrolment at the next login")


@user.command("deactivate")
@click.argument("email")
def user_deactivate(email: str) -> None:
    """The account can no longer log in; its sessions end on every device at once."""
    from app.auth.accounts import deactivate, find_user

    session = _session()
    account = find_user(session, email)
    if account is None:
        raise click.ClickException(f"unknown user {email}")
    deactivate(session, account)
    session.commit()
    click.echo(f"user {account.email} deactivated; every session of it has ended")


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


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.argument("email")
@click.option("--days", type=int, help="Days the token is valid (default: API_TOKEN_DAYS, 90).")
def token_create(email: str, days: int | None) -> None:
    """Create an API token for EMAIL and print it (it is shown only once)."""
    from app.auth.accounts import AccountError, create_api_token, find_user

    session = _session()
    account = find_user(session, email)
    if account is None:
        raise click.ClickException(f"unknown user {email}")
    try:
        value = create_api_token(session, account, days if days is not None else Settings().api_token_days)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(value)


@token.command("list")
@click.argument("email")
def token_list(email: str) -> None:
    """List the API tokens of EMAIL: number, created, expires, last used, revoked (never the token itself)."""
    from app.auth.accounts import api_tokens_of, find_user

    account = find_user(_session(), email)
    if account is None:
        raise click.ClickException(f"unknown user {email}")
    rows = api_tokens_of(_session(), account)
    if not rows:
        click.echo(f"{account.email} has no API tokens")
    for row in rows:
        state = "revoked" if row.revoked else "expired" if row.expires_at <= now() else "valid"
        click.echo(f"{row.id:>6}  created {_minute(row.created_at)}  expires {_minute(row.expires_at)}  "
                   f"last used {_minute(row.last_used_at) if row.last_used_at else 'never':<20}  {state}")


@token.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke the API token with number TOKEN_ID (see `token list`): the API refuses it from now on."""
    from app.auth.accounts import AccountError, revoke_api_token

    session = _session()
    try:
        row = revoke_api_token(session, token_id)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(f"token {row.id} of {row.user.email} revoked")


def _minute(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") + " UTC"


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
