"""Flask extensions, created once and wired into the app by the factory."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect

LOCALES = ("nl", "en")

babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = None
# The server-side session binds itself to its browser and ends everywhere on logout (app/auth/web_sessions);
# Flask-Login's own protection would also end it when a phone changes network.
login_manager.session_protection = None


def select_locale() -> str:
    """Dutch first: the user's choice (account, then session), else the configured default."""
    if not has_request_context():  # services, jobs and the CLI speak the default language
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
    if session.get("lang") in LOCALES:
        return session["lang"]
    if request.args.get("lang") in LOCALES:
        return request.args["lang"]
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")


@login_manager.user_loader
def load_user(user_id: str):
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from app.db import session as db_session
    from app.models import User

    try:
        user_pk = int(user_id)
    except ValueError:
        return None
    if not 0 < user_pk < 2**31:
        return None
    # Every request asks this: roles and PAPSY entities in the same round trip instead of two more.
    user = db_session().scalars(select(User).where(User.id == user_pk)
                                .options(joinedload(User.role_rows), joinedload(User.papsy_entities))).unique().first()
    return user if user is not None and user.active else None  # a deactivated account is signed out at once
