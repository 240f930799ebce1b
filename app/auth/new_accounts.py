"""A new account made by an admin (the "Nieuwe gebruiker" page): no password, a one-time setup link instead."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.auth import setup_links
from app.auth.accounts import AccountError, assign_papsy, ensure_user, entity_by_code, find_user
from app.forms.validation import is_clean_text
from app.models import Role, User

ENTITY_ROLES = {Role.CONFIDANT, Role.EOC_SECRETARY}  # they belong to exactly one entity


def create_with_setup_link(session: Session, email: str, name: str, role: str, entity_code: str) -> tuple[User, str]:
    """A NEW user with ``role`` (an existing e-mail is refused, never given roles) and a setup link token."""
    email, name = (email or "").strip().lower(), (name or "").strip()
    if not name or not is_clean_text(name) or len(name) > 200:
        raise AccountError(_l("Geef een naam (hoogstens 200 tekens)."))
    if not _looks_like_email(email):
        raise AccountError(_l("Geef een geldig e-mailadres."))
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(_l("Kies een rol.")) from None
    entity = entity_by_code(session, entity_code)
    if entity_code and entity is None:
        raise AccountError(_l("Onbekende entiteit."))
    if role in ENTITY_ROLES and entity is None:
        raise AccountError(_l("Een vertrouwenspersoon of EOC-secretaris hoort bij een entiteit: kies er een."))
    if role is Role.ADMIN and entity is not None:
        raise AccountError(_l("Een beheerder hoort bij geen entiteit."))
    if find_user(session, email) is not None:
        raise AccountError(_l("Er is al een account met dit e-mailadres. Rollen voegt u niet toe door een nieuwe "
                              "gebruiker te maken."))
    user = ensure_user(session, email, name, [role], entity_id=entity.id if role in ENTITY_ROLES else None)
    if role is Role.PAPSY and entity is not None:
        assign_papsy(session, user, entity)
    return user, setup_links.issue(session, user)


def _looks_like_email(email: str) -> bool:
    local, at, domain = email.partition("@")
    return bool(at and local and "." in domain and not domain.startswith(".") and " " not in email
                and len(email) <= 254 and is_clean_text(email))
