"""What the admin pages show, and the rules of an admin's actions on accounts (the routes only read and render)."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy, second_factor, setup_links
from app.auth.accounts import AccountError, admin_set_password, deactivate, note_reset_by
from app.auth.new_accounts import create_with_setup_link
from app.crypto import user_keys
from app.engine.errors import NotFound
from app.mail.outbox import about_confidential_processes, recent_messages
from app.models import Entity, OutboxMessage, ProcessModelVersion, User

log = logging.getLogger(__name__)
OWN_PASSWORD = _l("Uw eigen wachtwoord wijzigt u bij ‘Wachtwoord wijzigen’: zo blijven uw dossiers leesbaar.")


@dataclass(frozen=True)
class UserRow:
    user: User
    entities: list[str]  # the names of the entities the user works for, in any role


@dataclass(frozen=True)
class Overview:
    versions: list[ProcessModelVersion]
    entities: list[Entity]
    users: list[UserRow]


def overview(session: Session) -> Overview:
    """The admin's start page: every deployed model version, the entities, and every user with their entities."""
    versions = list(session.scalars(select(ProcessModelVersion).order_by(
        ProcessModelVersion.model_key, ProcessModelVersion.version.desc())))
    users = [UserRow(user, entity_names(user)) for user in session.scalars(select(User).order_by(User.name))]
    return Overview(versions, entities(session), users)


def entities(session: Session) -> list[Entity]:
    return list(session.scalars(select(Entity).order_by(Entity.name)))


def entity_names(user: User) -> list[str]:
    """A confidant's or EOC secretary's entity and a PAPSY's assigned entities, by name."""
    names = [user.entity.name] if user.entity is not None else []
    return names + sorted(entity.name for entity in user.papsy_entities if entity.name not in names)


def account(session: Session, user_id: int) -> User:
    found = session.get(User, user_id)
    if found is None:
        raise NotFound(_l("Deze gebruiker bestaat niet."))
    return found


def has_key_pair(session: Session, user: User) -> bool:
    return user_keys.public_key(session, user.id) is not None


def create_user(session: Session, admin: User, values: dict[str, str]) -> tuple[User, str, bool]:
    """A new account without a password (name, email, role, entity code): the account, its one-time setup link's
    token, and whether the link was mailed."""
    user, token = create_with_setup_link(session, values["email"], values["name"], values["role"], values["entity"])
    mailed = setup_links.mail(session, user, token)
    log.info("admin %s created user %s with a setup link (mailed: %s)", admin.id, user.id, mailed)
    return user, token, mailed


def give_temporary_password(session: Session, admin: User, user: User, new: str, repeat: str) -> bool:
    """A temporary password for ``user`` (never the admin's own: that would throw away their own key pair);
    True when their key pair was deleted (older dossiers then need the recovery procedure)."""
    _not_own_account(admin, user)
    deleted_key_pair = admin_set_password(session, user, new, repeat)
    note_reset_by(session, user, admin, "password")
    log.info("admin %s set a temporary password for user %s (key pair deleted: %s)", admin.id, user.id,
             deleted_key_pair)
    return deleted_key_pair


def issue_setup_link(session: Session, admin: User, user: User) -> tuple[str, bool]:
    """A new one-time setup link for ``user`` (earlier ones stop working): the token, and whether it was mailed."""
    _not_own_account(admin, user)
    token = setup_links.issue(session, user)
    note_reset_by(session, user, admin, "setup_link")
    mailed = setup_links.mail(session, user, token)
    log.info("admin %s made a setup link for user %s (mailed: %s)", admin.id, user.id, mailed)
    return token, mailed


def reset_second_factor(session: Session, admin: User, user: User, identity_checked: bool) -> None:
    """The user enrols a new authenticator app at the next login; only once the admin checked who asks."""
    if not identity_checked:
        raise AccountError(str(_l("Bevestig eerst dat u de identiteit van %(name)s hebt nagegaan.", name=user.name)))
    second_factor.reset(session, user)
    note_reset_by(session, user, admin, "second_factor")
    log.info("admin %s reset the second factor of user %s", admin.id, user.id)


def set_active(session: Session, admin: User, user: User, wanted: str | None) -> bool:
    """Switch the account off ("0": every session of it ends) or on again ("1"); returns the new state."""
    if wanted not in ("0", "1"):
        raise AccountError(str(_l("Kies of het account actief moet zijn.")))
    if user.id == admin.id:
        raise AccountError(str(_l("Uw eigen account schakelt een andere beheerder uit.")))
    if wanted == "0":
        deactivate(session, user)
    else:
        user.active = True
    log.info("admin %s set user %s active=%s", admin.id, user.id, wanted)
    return user.active


def _not_own_account(admin: User, user: User) -> None:
    if user.id == admin.id:
        raise AccountError(str(OWN_PASSWORD))


def outbox(session: Session, admin: User, limit: int) -> tuple[list[OutboxMessage], set[int]]:
    """The newest mails, and the ids of those whose subject and text ``admin`` may read (not those about a
    confidential process, unless sent to the admin)."""
    messages = recent_messages(session, limit)
    return messages, readable_mails(session, admin, messages)


def readable_mails(session: Session, admin: User, messages: list[OutboxMessage]) -> set[int]:
    confidential = about_confidential_processes(session, messages)
    return {message.id for message in messages
            if policy.can_read_mail_text(admin, message.id in confidential, message.to_address)}


def outbox_message(session: Session, admin: User, message_id: int) -> tuple[OutboxMessage, bool]:
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(_l("Dit bericht bestaat niet."))
    return message, message.id in readable_mails(session, admin, [message])
