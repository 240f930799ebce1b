"""Sessions kept on the server, revocable, with nothing readable in the cookie.

The cookie carries one random token. The session's row is found by the token's SHA-256, and its data
(the login steps, the held private key, the CSRF token) is sealed with AES-GCM under a key derived from the
token. So the table alone opens nothing, the cookie alone holds nothing, and knowing SECRET_KEY forges
nothing. Deleting a user's rows ends their sessions on every device at once (logout, password change, an
admin's reset, deactivation, a second-factor reset). A session ends after SESSION_IDLE_MINUTES without a
request and SESSION_MAX_HOURS after its login, whichever comes first; it is bound to the User-Agent it was
made for, and a login step gives it a new token (``rotate``).

Why our own table and not Flask-Session: the held private key must need both the cookie and the server, so the
session data is sealed under the cookie's token; Flask-Session stores it readable to whoever reads the store.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, Request, Response, has_request_context, request
from flask import session as flask_session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from werkzeug.datastructures import CallbackDict

from app.clock import now
from app.db import db
from app.db_outage import database_unreachable
from app.models.keys import WebSession

COOKIE_NAME = "vertrouwd_session"
NONCE_BYTES = 12
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
TOUCH_EVERY = timedelta(minutes=1)  # how stale last_seen_at may get before a request writes it again
_serializer = TaggedJSONSerializer()


class ServerSession(CallbackDict, SessionMixin):
    """The session's data for one request; ``rotate()`` gives it a new token when the response is saved."""

    def __init__(self, initial: dict | None = None, token: str | None = None, seen_at: datetime | None = None,
                 created_at: datetime | None = None):
        def on_update(self_) -> None:
            self_.modified = True

        super().__init__(initial or {}, on_update)
        self.token, self.seen_at, self.created_at = token, seen_at, created_at
        self.owner_at_open = _user_id(self)
        self.modified = self.rotated = self.keep_age = self.discard_stored = self.ended_here = False
        self.database_unreachable = False  # not read, so not saved either: the cookie stays for when it is back

    def rotate(self, keep_age: bool = False) -> None:
        """A login step: the old token stops working, the data moves to a new one. ``keep_age``: the session goes
        on (a password change), so SESSION_MAX_HOURS still counts from its login."""
        self.rotated, self.keep_age = True, keep_age


class ServerSessionInterface(SessionInterface):
    """Flask's session API over the ``web_session`` table."""

    def __init__(self, idle: timedelta, max_age: timedelta) -> None:
        self.idle, self.max_age = idle, max_age

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(COOKIE_NAME, "")
        if not TOKEN.fullmatch(token) or request.path.startswith(f"{app.static_url_path}/"):
            return ServerSession()
        try:
            row = db.session().get(WebSession, _row_id(token))
        except DBAPIError as exc:
            if not database_unreachable(exc):
                raise
            unread = ServerSession(token=token)
            unread.database_unreachable = True  # the request gets "try again" (app/web.py)
            return unread
        if row is None:
            return ServerSession()
        data = self._usable_data(row, token, _client(request))
        if data is None:  # expired, another browser's, or tampered with: gone for everyone who holds it
            stale = ServerSession(token=token)
            stale.discard_stored = True
            return stale
        return ServerSession(data, token=token, seen_at=row.last_seen_at, created_at=row.created_at)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        if session.database_unreachable:
            return
        if session.accessed:
            response.vary.add("Cookie")
        database = db.session()
        stored = session.token is not None and not session.discard_stored
        if session.token is not None and (session.discard_stored or session.rotated or not session):
            deleted = database.execute(delete(WebSession).where(WebSession.id == _row_id(session.token))).rowcount
            if session.rotated and not deleted and session.owner_at_open is not None and not session.ended_here:
                session.clear()  # ended while this login step ran (an admin's reset, a logout elsewhere): stays so
            stored = False
        if not session:
            if session.token is not None:
                response.delete_cookie(COOKIE_NAME, path=self.get_cookie_path(app))
        elif not stored:
            self._store_new(app, database, session, response, _client(request))
        elif session.modified:
            if not self._update(database, session):  # ended meanwhile (logged out elsewhere): stays ended
                response.delete_cookie(COOKIE_NAME, path=self.get_cookie_path(app))
        elif session.seen_at is None or now() - session.seen_at >= TOUCH_EVERY:
            database.execute(update(WebSession).where(WebSession.id == _row_id(session.token))
                             .values(last_seen_at=now()))
        database.commit()

    def _usable_data(self, row: WebSession, token: str, client: str) -> dict | None:
        moment = now()
        if moment - row.last_seen_at > self.idle or moment - row.created_at > self.max_age:
            return None
        if not secrets.compare_digest(row.client, client):
            return None
        try:
            return _unseal(token, row.sealed_data)
        except (InvalidTag, ValueError):
            return None

    def _store_new(self, app: Flask, database: Session, session: ServerSession, response: Response,
                   client: str) -> None:
        purge_idle(database, self.idle)  # new sessions are made at login steps and first visits: cheap enough here
        token = secrets.token_urlsafe(32)
        moment = now()
        born = session.created_at if session.keep_age and session.created_at else moment
        database.add(WebSession(id=_row_id(token), user_id=_user_id(session), client=client,
                                sealed_data=_seal(token, dict(session)), created_at=born, last_seen_at=moment))
        database.flush()
        session.token = token
        response.set_cookie(COOKIE_NAME, token, httponly=True, secure=self.get_cookie_secure(app),
                            samesite=self.get_cookie_samesite(app), path=self.get_cookie_path(app))

    def _update(self, database: Session, session: ServerSession) -> bool:
        result = database.execute(update(WebSession).where(WebSession.id == _row_id(session.token)).values(
            user_id=_user_id(session), sealed_data=_seal(session.token, dict(session)), last_seen_at=now()))
        return result.rowcount == 1


def end_all_for(database: Session, user_id: int) -> int:
    """End every session of the user, on every device (the caller's own request included: it may go on under a
    new token, see ``ServerSession.rotate``)."""
    if has_request_context() and isinstance(current := flask_session._get_current_object(), ServerSession):
        current.ended_here = True
    return database.execute(delete(WebSession).where(WebSession.user_id == user_id)).rowcount


def purge_idle(database: Session, idle: timedelta) -> int:
    """Forget sessions idle for too long (refused anyway). One that outlived SESSION_MAX_HOURS while in use is
    deleted at its next request, or here once idle."""
    return database.execute(delete(WebSession).where(WebSession.last_seen_at < now() - idle)).rowcount


def _user_id(session: ServerSession) -> int | None:
    """Whose session it is, also halfway through a login, so that ending a user's sessions catches it."""
    from app.auth.login_steps import PENDING_USER

    value = session.get("_user_id") or session.get(PENDING_USER)
    return int(value) if value is not None else None


def _row_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _client(request: Request) -> str:
    return hashlib.sha256((request.user_agent.string or "").encode()).hexdigest()


def _data_key(token: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"vertrouwd/web-session").derive(token.encode())


def _seal(token: str, data: dict) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    plain = _serializer.dumps(data).encode()
    return nonce + AESGCM(_data_key(token)).encrypt(nonce, plain, _row_id(token).encode())


def _unseal(token: str, sealed: bytes) -> dict:
    plain = AESGCM(_data_key(token)).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _row_id(token).encode())
    data = _serializer.loads(plain.decode())
    if not isinstance(data, dict):
        raise ValueError("session data is not a mapping")
    return data
