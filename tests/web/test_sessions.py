"""Sessions live on the server and can be revoked (issue 8, F1, F3, item 4): a copied cookie is worth nothing
after logout, a password change, an admin's reset, deactivation or a second-factor reset; the cookie carries
nothing readable; a forged cookie opens nothing."""
from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from flask.sessions import SecureCookieSessionInterface
from flask_login.utils import _create_identifier
from sqlalchemy import delete, select

from app.auth import second_factor, web_sessions
from app.auth.accounts import deactivate
from app.models import User, WebSession
from tests.helpers import ADMIN, OMG_CONFIDANT, OMG_SECRETARY, csrf_token, login, post_form, user

COOKIE = web_sessions.COOKIE_NAME
START = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def copy_of(app, client, **headers):
    """Another browser holding the same session cookie (same User-Agent unless told otherwise)."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    if headers:
        thief.environ_base.update({f"HTTP_{key.upper().replace('-', '_')}": value for key, value in headers.items()})
    return thief


def logged_out(client) -> bool:
    response = client.get("/inbox")
    return response.status_code == 302 and "/login" in response.location


def logout(client) -> None:
    page = client.get("/inbox").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})


def test_f1_a_cookie_copied_before_logout_opens_nothing_after_it(app, client):
    login(client, OMG_CONFIDANT)
    thief = copy_of(app, client)
    assert not logged_out(thief), "the copy works while the session lives (it is the same session)"
    logout(client)
    assert logged_out(thief)
    assert thief.get("/dossiers").status_code == 302


def test_f1_logout_ends_the_sessions_on_every_device(app):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, OMG_SECRETARY)
    login(laptop, OMG_SECRETARY)
    logout(laptop)
    assert logged_out(phone)


def test_f1_a_copied_cookie_from_another_browser_is_refused_and_ends_the_session(app, client):
    login(client, OMG_SECRETARY)
    thief = copy_of(app, client, user_agent="Mozilla/5.0 (thief)")
    assert logged_out(thief)
    assert logged_out(client), "a cookie seen in another browser is taken as stolen: the session ends"


def test_f1_a_password_change_ends_the_other_sessions_and_keeps_this_one(app):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, OMG_CONFIDANT)
    login(elsewhere, OMG_CONFIDANT)
    copied = copy_of(app, here)
    changed = post_form(here, "/account/password", {"current": "vertrouwd-demo", "new": "een-eigen-wachtwoord",
                                                    "repeat": "een-eigen-wachtwoord"})
    assert changed.status_code == 302
    assert not logged_out(here), "the device the password was changed on stays logged in"
    assert logged_out(elsewhere)
    assert logged_out(copied), "this device's session has a new token: the copy of the old one is worthless"


@pytest.mark.parametrize("event", ["admin_reset", "deactivation", "second_factor_reset"])
def test_f1_an_admins_action_ends_every_session_of_the_user(app, client, store, event):
    login(client, OMG_CONFIDANT)
    copied = copy_of(app, client)
    account = user(store, OMG_CONFIDANT)
    if event == "admin_reset":
        admin = app.test_client()
        login(admin, ADMIN)
        assert _admin_reset(admin, account.id).status_code == 302
    elif event == "deactivation":
        deactivate(store, account)
        store.commit()
    else:
        second_factor.reset(store, account)
        store.commit()
    assert logged_out(client) and logged_out(copied)
    store.expire_all()
    assert store.scalar(select(WebSession).where(WebSession.user_id == account.id)) is None


def _admin_reset(admin, user_id: int):
    page = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    return admin.post(f"/admin/users/{user_id}/password", data={
        "new": "een-tijdelijk-wachtwoord", "repeat": "een-tijdelijk-wachtwoord", "csrf_token": csrf_token(page)})


def test_f1_a_session_ends_after_its_absolute_lifetime_even_when_used(app, client):
    with time_machine.travel(START, tick=False) as clock:
        login(client, OMG_SECRETARY)
        for minutes in range(20, 10 * 60, 20):  # busy all day: never idle
            clock.move_to(START + timedelta(minutes=minutes))
            assert not logged_out(client), f"still logged in after {minutes} minutes"
        clock.move_to(START + timedelta(hours=10, minutes=1))
        assert logged_out(client)


def test_f1_each_login_step_gives_the_session_a_new_token(app, client):
    page = client.get("/login")
    before = client.get_cookie(COOKIE).value
    client.post("/login", data={"email": OMG_CONFIDANT, "password": "vertrouwd-demo",
                                "csrf_token": csrf_token(page.get_data(as_text=True))})
    after_password = client.get_cookie(COOKIE).value
    login(client, OMG_CONFIDANT)
    logged_in = client.get_cookie(COOKIE).value
    assert len({before, after_password, logged_in}) == 3
    for old in (before, after_password):
        replay = app.test_client()
        replay.set_cookie(COOKIE, old)
        assert logged_out(replay)


def test_f3_the_cookie_carries_nothing_readable_during_enrolment(app, client, store):
    page = client.get("/login")
    client.post("/login", data={"email": OMG_CONFIDANT, "password": "vertrouwd-demo",
                                "csrf_token": csrf_token(page.get_data(as_text=True))})
    enrol = client.get("/login/enrol").get_data(as_text=True)
    secret = enrol.split('<code id="totp-secret">')[1].split("</code>")[0]
    cookie = client.get_cookie(COOKIE).value
    assert web_sessions.TOKEN.fullmatch(cookie), "one opaque random token, nothing else"
    store.expire_all()
    sealed = b"".join(bytes(row.sealed_data) for row in store.scalars(select(WebSession)))
    for readable in (secret.encode(), base64.b32decode(secret)):
        assert readable not in sealed, "the enrolment secret is not readable in the session store either"


def test_f3_totp_secrets_are_stored_sealed_and_a_dump_alone_makes_no_codes(app, client, store):
    login(client, OMG_CONFIDANT)
    store.expire_all()
    account = user(store, OMG_CONFIDANT)
    secret = second_factor.secret_of(account)
    assert secret and secret not in account.totp_secret and account.totp_secret.startswith(second_factor.SEALED)
    second_factor.configure("another-totp-key")
    try:
        assert second_factor.secret_of(account) is None, "without TOTP_KEY the stored value opens nothing"
    finally:
        second_factor.configure(app.extensions["vertrouwd_settings"].totp_key)


def test_f3_the_upgrade_seals_the_clear_secrets_once_and_a_planted_clear_one_is_refused(app, tmp_path, monkeypatch):
    """The migration that brought sealing seals the secrets stored in clear before it; afterwards a clear value
    (planted by someone with the database but not TOTP_KEY) makes no codes (review finding)."""
    import pyotp
    from alembic import command
    from sqlalchemy import create_engine, text

    from app.setup import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "d5e6f7a8b9c0")  # the schema before sealing
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO user_account (id, email, name, active, created_at, totp_secret) "
                                "VALUES (7, 'oud@x.example', 'Oud', 1, '2026-01-01 00:00:00', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')"))
    monkeypatch.setenv("TOTP_KEY", app.extensions["vertrouwd_settings"].totp_key)
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT totp_secret FROM user_account WHERE id = 7")).scalar()
    engine.dispose()
    assert stored.startswith(second_factor.SEALED)
    sealed = User(id=7, email="oud@x.example", name="Oud", totp_secret=stored)
    assert second_factor.secret_of(sealed) == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "the same authenticator app keeps working"
    planted = User(id=7, email="oud@x.example", name="Oud", totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert second_factor.secret_of(planted) is None
    assert not second_factor.verify(None, planted, pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").now())


def test_item4_a_cookie_forged_with_the_secret_key_opens_nothing(app, client, store):
    admin = user(store, ADMIN)
    with app.test_request_context(environ_base=client.environ_base):  # as Flask-Login's protection expects it
        identifier = _create_identifier()
    forged = SecureCookieSessionInterface().get_signing_serializer(app).dumps(
        {"_user_id": str(admin.id), "_fresh": True, "_id": identifier, "held_key": "x"})
    for name in (COOKIE, "session"):
        client.set_cookie(name, forged)
    assert logged_out(client)
    client.set_cookie(COOKIE, "A" * 43)  # the right shape, no such session
    assert logged_out(client)


def test_item4_a_tampered_session_row_opens_nothing(app, client, store):
    login(client, OMG_SECRETARY)
    token = client.get_cookie(COOKIE).value
    store.expire_all()
    row = store.get(WebSession, web_sessions._row_id(token))
    row.sealed_data = bytes(row.sealed_data[:-1]) + bytes([row.sealed_data[-1] ^ 1])
    store.commit()
    assert logged_out(client)


def test_idle_sessions_are_purged_when_a_new_one_starts(app, client, store):
    with time_machine.travel(START, tick=False) as clock:
        login(client, OMG_SECRETARY)
        clock.move_to(START + timedelta(minutes=31))
        app.test_client().get("/login")  # a new visitor's session
    store.expire_all()
    assert store.scalar(select(WebSession).where(WebSession.user_id.is_not(None))) is None
    assert len(store.scalars(select(WebSession)).all()) == 1
    assert store.scalar(select(User).where(User.email == OMG_SECRETARY)).active


def test_f1_a_login_step_running_while_the_user_is_reset_does_not_bring_the_session_back(app, client, store):
    """The second-factor step was under way when an admin's reset ended the user's sessions: its new token is
    never stored (review finding: the rotation wrote the ended session back)."""
    from flask import request

    page = client.get("/login")
    client.post("/login", data={"email": OMG_SECRETARY, "password": "vertrouwd-demo",
                                "csrf_token": csrf_token(page.get_data(as_text=True))})
    token, secretary = client.get_cookie(COOKIE).value, user(store, OMG_SECRETARY).id
    interface = app.session_interface
    with app.test_request_context("/login/code", headers={"Cookie": f"{COOKIE}={token}"},
                                  environ_base=client.environ_base):
        in_flight = interface.open_session(app, request)
        assert in_flight.owner_at_open == secretary
        store.execute(delete(WebSession).where(WebSession.user_id == secretary))  # the reset, in another request
        store.commit()
        in_flight.rotate()  # the login step goes on: logged in under a new token
        in_flight["_user_id"] = str(secretary)
        response = app.response_class()
        interface.save_session(app, in_flight, response)
    store.expire_all()
    assert store.scalar(select(WebSession).where(WebSession.user_id == secretary)) is None
    assert f"{COOKIE}=;" in response.headers.get("Set-Cookie", ""), "the browser forgets the ended session"


def test_f1_a_password_change_does_not_restart_the_absolute_lifetime(app, client):
    with time_machine.travel(START, tick=False) as clock:
        login(client, OMG_CONFIDANT)
        for minutes in range(20, 10 * 60, 20):  # busy all day, and at noon a new password
            clock.move_to(START + timedelta(minutes=minutes))
            if minutes == 5 * 60:
                changed = post_form(client, "/account/password", {
                    "current": "vertrouwd-demo", "new": "een-eigen-wachtwoord", "repeat": "een-eigen-wachtwoord"})
                assert changed.status_code == 302
            assert not logged_out(client)
        clock.move_to(START + timedelta(hours=10, minutes=1))
        assert logged_out(client), "10 hours after the login, not after the password change"
