"""A key pair is sealed only under a password its owner chose (F2): an admin's password is temporary and opens only
the page to choose one's own; a one-time setup link (72 h, once) needs no temporary password."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.models import Role, User, UserKey
from tests.helpers import (
    ADMIN,
    OMG_CONFIDANT,
    assert_key_sealed_only_under,
    choose_password,
    csrf_token,
    login,
    post_form,
)

TEMPORARY, OWN = "tijdelijk-van-de-beheerder-1", "mijn-eigen-gekozen-wachtwoord-2"
NEWCOMER = {"name": "Jana Vermeulen", "email": "jana.vermeulen@omgeving.vlaanderen.example", "role": "confidant",
            "entity": "OMG"}
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def account(store, email: str) -> User:
    store.expire_all()
    return store.scalar(select(User).where(User.email == email))


def admin_client(app):
    admin = app.test_client()
    login(admin, ADMIN)
    return admin


def setup_path(page: str) -> str:
    return re.search(r'<code id="setup-link-url" class="wrap">https?://[^/]+(/setup/[^<]+)</code>', page).group(1)


def test_f2_the_admin_reset_page_gives_a_temporary_password_that_opens_only_the_choice(app, store):
    confidant = account(store, OMG_CONFIDANT)
    admin = admin_client(app)
    page = admin.get(f"/admin/users/{confidant.id}").get_data(as_text=True)
    assert "Een wachtwoord dat u instelt, is tijdelijk" in page
    page_html = admin.get(f"/admin/users/{confidant.id}").get_data(as_text=True)
    reset = admin.post(f"/admin/users/{confidant.id}/password",
                       data={"new": TEMPORARY, "repeat": TEMPORARY, "csrf_token": csrf_token(page_html)})
    told = admin.get(reset.location).get_data(as_text=True)
    assert "tijdelijk wachtwoord" in told and "pas dan wordt een nieuw sleutelpaar gemaakt" in told
    assert store.get(UserKey, confidant.id) is None, "no key pair under the admin's password"

    client = app.test_client()
    login(client, OMG_CONFIDANT, TEMPORARY)  # with the second factor she enrolled
    for path in ("/inbox", "/dossiers", "/dossiers/new", "/account/password", "/roster/"):
        assert client.get(path).location.endswith("/account/choose-password"), path
    for new, repeat, reason in ((TEMPORARY, TEMPORARY, "ander wachtwoord dan het tijdelijke"),
                                (OWN, OWN + "x", "niet gelijk"), ("kort", "kort", "minstens 12 tekens")):
        refused = post_form(client, "/account/choose-password", {"new": new, "repeat": repeat})
        assert refused.status_code == 400 and reason in refused.get_data(as_text=True)
    assert store.get(UserKey, confidant.id) is None and account(store, OMG_CONFIDANT).password_temporary
    assert choose_password(client, OWN).location.endswith("/inbox")
    assert "Uw eigen wachtwoord is ingesteld" in client.get("/inbox").get_data(as_text=True)
    assert client.get("/dossiers/new").status_code == 200, "logged in, with the new key held"
    assert_key_sealed_only_under(store, account(store, OMG_CONFIDANT), OWN, TEMPORARY)


def test_f2_a_new_user_made_on_the_admin_page_has_no_password_and_gets_a_setup_link(app, store):
    admin = admin_client(app)
    made = post_form(admin, "/admin/users/new", NEWCOMER)
    assert made.status_code == 200 and "maar één keer getoond" in made.get_data(as_text=True)
    newcomer = account(store, NEWCOMER["email"])
    assert newcomer.password_hash is None and store.get(UserKey, newcomer.id) is None
    assert newcomer.roles == {Role.CONFIDANT} and newcomer.entity.code == "OMG"
    path = setup_path(made.get_data(as_text=True))
    from app.models import SetupLink

    assert store.scalar(select(SetupLink.token_hash).where(SetupLink.user_id == newcomer.id)) not in path

    client = app.test_client()
    chosen = post_form(client, path, {"new": OWN, "repeat": OWN})
    assert chosen.location.endswith("/login/enrol"), "then the normal login: the second factor"
    assert_key_sealed_only_under(store, account(store, NEWCOMER["email"]), OWN, TEMPORARY)
    used = client.get(path)
    assert used.status_code == 404 and "verlopen, al gebruikt" in used.get_data(as_text=True)


def test_f2_the_new_user_page_refuses_an_existing_email_and_adds_no_role(app, store):
    admin = admin_client(app)
    before = account(store, OMG_CONFIDANT).roles
    for data, reason in (({**NEWCOMER, "email": OMG_CONFIDANT.upper(), "role": "papsy"}, "al een account"),
                         ({**NEWCOMER, "entity": ""}, "hoort bij een entiteit"),
                         ({**NEWCOMER, "email": "geen-adres"}, "geldig e-mailadres")):
        refused = post_form(admin, "/admin/users/new", data)
        assert refused.status_code == 400 and reason in refused.get_data(as_text=True)
    assert account(store, OMG_CONFIDANT).roles == before
    assert account(store, NEWCOMER["email"]) is None


def test_f2_a_setup_link_expires_after_72_hours_and_a_wrong_token_is_a_clear_404(app, store):
    with time_machine.travel(START, tick=False) as clock:
        admin = admin_client(app)
        path = setup_path(post_form(admin, "/admin/users/new", NEWCOMER).get_data(as_text=True))
        client = app.test_client()
        clock.shift(timedelta(hours=72) - timedelta(seconds=1))
        assert client.get(path).status_code == 200
        clock.shift(timedelta(seconds=1))
        expired = post_form_404(client, path)
        assert expired.status_code == 404 and "Vraag de beheerder een nieuwe link" in expired.get_data(as_text=True)
        assert account(store, NEWCOMER["email"]).password_hash is None
        assert client.get(path[:-4] + "abcd").status_code == 404


def post_form_404(client, path: str):
    """POST to a link whose page is gone: the CSRF token comes from the login page."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post(path, data={"new": OWN, "repeat": OWN, "csrf_token": token})


def test_f2_a_setup_link_for_a_user_with_keys_makes_a_new_pair_and_locks_the_old_dossiers(app, store):
    client = app.test_client()
    login(client, OMG_CONFIDANT)
    dossier = post_form(client, "/dossiers/new", {"opened_on": "2026-11-02", "requester": "Verzoeker Q",
                                                  "themes": "stress", "persons": "colleague",
                                                  "interventions": "listening"}).location
    confidant = account(store, OMG_CONFIDANT)
    admin = admin_client(app)
    html = admin.get(f"/admin/users/{confidant.id}").get_data(as_text=True)
    shown = admin.post(f"/admin/users/{confidant.id}/setup-link", data={"csrf_token": csrf_token(html)})
    path = setup_path(shown.get_data(as_text=True))
    fresh = app.test_client()
    assert post_form(fresh, path, {"new": OWN, "repeat": OWN}).location.endswith("/login/code")
    assert client.get(dossier).status_code in (302, 423), "every session lost its key"
    again = app.test_client()
    login(again, OMG_CONFIDANT, OWN)
    assert again.get(dossier).status_code == 423


def test_f2_a_setup_link_spent_by_one_tab_is_refused_to_the_other(app, store):
    """Two submissions of one link at the same moment (both read it as unused): one password, one key pair; the
    other gets a clear refusal (review finding: both went through)."""
    from sqlalchemy.orm import Session

    from app.auth import setup_links
    from app.auth.accounts import AccountError, ensure_user
    from app.db import db
    from tests.helpers import assert_key_sealed_only_under

    newcomer = ensure_user(store, NEWCOMER["email"], NEWCOMER["name"], [Role.CONFIDANT])
    token = setup_links.issue(store, newcomer)
    store.commit()
    with Session(db.engine, expire_on_commit=False) as other_tab:
        stale = setup_links.valid_link(other_tab, token)  # read as unused, before the first tab spends it
        other_tab.commit()
        setup_links.use(store, setup_links.valid_link(store, token), OWN, OWN)
        store.commit()
        with pytest.raises(AccountError, match="al gebruikt"):
            setup_links.use(other_tab, stale, "iets-anders-gekozen-3", "iets-anders-gekozen-3")
        other_tab.rollback()
    assert store.get(UserKey, newcomer.id) is not None
    assert_key_sealed_only_under(store, account(store, NEWCOMER["email"]), OWN, "iets-anders-gekozen-3")
