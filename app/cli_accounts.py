"""The `vertrouwd user` and `vertrouwd token` commands: accounts, their passwords and sessions, API tokens."""
from __future__ import annotations

import sys

import click
from sqlalchemy import select

from app.clock import now
from app.config import Settings
from app.db import db


def _session():
    return db.session()


def _existing_user(session, email: str):
    """The account with ``email``, or a clear refusal (exit code 1)."""
    from app.auth.accounts import find_user

    account = find_user(session, email)
    if account is None:
        raise click.ClickException(f"unknown user {email}")
    return account


@click.group()
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
    if "admin" in roles and {"confidant", "papsy"} & set(roles):
        raise click.ClickException("an administrator cannot also be a confidant or a PAPSY (separation of duties: "
                                   "they hold dossiers, an administrator never does)")
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
    session = _session()
    account = _existing_user(session, email)
    _setup_link(session, account)


def _setup_link(session, account) -> None:
    """Issue, commit, mail (when SMTP is configured) and print a setup link for ``account``."""
    from app.auth import setup_links

    settings = Settings()
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
    from app.auth.accounts import AccountError, admin_set_password

    session = _session()
    account = _existing_user(session, email)
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
    session = _session()
    account = _existing_user(session, email)
    second_factor.reset(session, account)
    session.commit()
    click.echo(f"second factor of {account.email} reset: enrolment at the next login")


@user.command("deactivate")
@click.argument("email")
def user_deactivate(email: str) -> None:
    """The account can no longer log in; its sessions end on every device at once."""
    from app.auth.accounts import deactivate

    session = _session()
    account = _existing_user(session, email)
    deactivate(session, account)
    session.commit()
    click.echo(f"user {account.email} deactivated; every session of it has ended")


@click.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.argument("email")
@click.option("--days", type=int, help="Days the token is valid (default: API_TOKEN_DAYS, 90).")
def token_create(email: str, days: int | None) -> None:
    """Create an API token for EMAIL and print it (it is shown only once)."""
    from app.auth.accounts import AccountError, create_api_token

    session = _session()
    account = _existing_user(session, email)
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
    from app.auth.accounts import api_tokens_of

    account = _existing_user(_session(), email)
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
