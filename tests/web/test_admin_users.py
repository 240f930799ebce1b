"""An admin's user page: a new password (for a user with keys a reset, told plainly: older dossiers need the
recovery procedure) and a new second factor; bad input is refused with a message and changes nothing."""
from __future__ import annotations

import re

from sqlalchemy import select, update

from app.auth.accounts import assign_papsy, ensure_user
from app.models import OutboxMessage, Role, User, UserKey
from tests.helpers import (
    ADMIN,
    OMG_CONFIDANT,
    OMG_PAPSY,
    OMG_SECRETARY,
    choose_password,
    csrf_token,
    entity,
    login,
    post_form,
    visible_text,
)

NEW_PASSWORD = "een-nieuw-wachtwoord-7"
OWN_PASSWORD = "mijn-eigen-wachtwoord-8"
DOSSIER = {"opened_on": "2026-11-02", "requester": "Verzoeker Z", "themes": "stress", "persons": "colleague",
           "interventions": "listening", "note": "Eerste gesprek."}


def account(store, email: str) -> User:
    store.expire_all()
    return store.scalar(select(User).where(User.email == email))


def admin_post(admin, user_id: int, action: str, data: dict):
    page = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    return admin.post(f"/admin/users/{user_id}/{action}", data={**data, "csrf_token": csrf_token(page)})


def test_r2_an_admin_reset_says_plainly_that_older_dossiers_need_the_recovery_procedure(app, client, store):
    login(client, OMG_CONFIDANT)
    dossier = post_form(client, "/dossiers/new", DOSSIER).location
    confidant = account(store, OMG_CONFIDANT)
    admin = app.test_client()
    login(admin, ADMIN)
    page = admin.get(f"/admin/users/{confidant.id}").get_data(as_text=True)
    assert "herstelprocedure" in page and "geen gewone wachtwoordwijziging" in page

    done = admin_post(admin, confidant.id, "password", {"new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert done.status_code == 302
    told = admin.get(done.location).get_data(as_text=True)
    assert "nieuw sleutelpaar" in told and "herstelprocedure" in told
    assert account(store, OMG_CONFIDANT).keys_reset_at is not None

    assert client.get(dossier).status_code in (302, 423), "the old session holds no usable key any more"
    again = app.test_client()
    login(again, OMG_CONFIDANT, password=NEW_PASSWORD)
    choose_password(again, OWN_PASSWORD)
    locked = again.get(dossier)
    assert locked.status_code == 423 and "Verzoeker Z" not in locked.get_data(as_text=True)


def test_a_password_that_differs_or_is_too_short_is_refused_and_changes_nothing(app, store):
    confidant = account(store, OMG_CONFIDANT)
    before = (confidant.password_hash, confidant.keys_reset_at)
    admin = app.test_client()
    login(admin, ADMIN)
    for data, reason in (({"new": NEW_PASSWORD, "repeat": NEW_PASSWORD + "x"}, "niet gelijk"),
                         ({"new": "kort", "repeat": "kort"}, "minstens 12 tekens")):
        refused = admin_post(admin, confidant.id, "password", data)
        assert refused.status_code == 400 and reason in refused.get_data(as_text=True)
    after = account(store, OMG_CONFIDANT)
    assert (after.password_hash, after.keys_reset_at) == before


def test_an_admin_changes_their_own_password_on_the_account_page_only(app, store):
    admin = app.test_client()
    login(admin, ADMIN)
    me = account(store, ADMIN)
    refused = admin_post(admin, me.id, "password", {"new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert refused.status_code == 400 and "Wachtwoord wijzigen" in refused.get_data(as_text=True)
    assert account(store, ADMIN).password_hash == me.password_hash


def test_a_user_without_a_password_gets_a_temporary_one_and_no_key_pair_until_choosing(app, store):
    newcomer = ensure_user(store, "nieuw.persoon@omgeving.vlaanderen.example", "Nieuw Persoon", [Role.CONFIDANT],
                           entity_id=entity(store, "OMG").id)
    store.commit()
    admin = app.test_client()
    login(admin, ADMIN)
    page = admin.get(f"/admin/users/{newcomer.id}").get_data(as_text=True)
    assert "nog geen (gemaakt wanneer de gebruiker een eigen wachtwoord kiest)" in page
    assert "herstelprocedure" not in page
    assert admin_post(admin, newcomer.id, "password", {"new": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    assert account(store, newcomer.email).keys_reset_at is None, "a first password is no reset"
    assert store.get(UserKey, newcomer.id) is None
    client = app.test_client()
    login(client, newcomer.email, password=NEW_PASSWORD)
    choose_password(client, OWN_PASSWORD)
    assert store.get(UserKey, newcomer.id) is not None


def test_the_second_factor_reset_asks_for_confirmation_then_the_user_enrols_again(app, store):
    login(app.test_client(), OMG_CONFIDANT)
    confidant = account(store, OMG_CONFIDANT)
    assert confidant.totp_secret is not None
    admin = app.test_client()
    login(admin, ADMIN)
    refused = admin_post(admin, confidant.id, "second-factor", {})
    assert refused.status_code == 400 and "identiteit" in refused.get_data(as_text=True)
    assert account(store, OMG_CONFIDANT).totp_secret == confidant.totp_secret

    assert admin_post(admin, confidant.id, "second-factor", {"confirm": "yes"}).status_code == 302
    assert account(store, OMG_CONFIDANT).totp_secret is None
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    step = client.post("/login", data={"email": OMG_CONFIDANT, "password": "vertrouwd-demo",
                                       "csrf_token": csrf_token(page)})
    assert step.location.endswith("/login/enrol")


def test_an_unknown_user_is_a_clear_404(app):
    admin = app.test_client()
    login(admin, ADMIN)
    assert admin.get("/admin/users/999999").status_code == 404


def test_f1_deactivating_ends_every_session_and_activating_lets_the_user_in_again(app, store):
    admin, confidant = app.test_client(), app.test_client()
    login(admin, ADMIN)
    login(confidant, OMG_CONFIDANT)
    target = account(store, OMG_CONFIDANT)
    page = admin.get(f"/admin/users/{target.id}")
    assert "Account uitschakelen" in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    off = admin.post(f"/admin/users/{target.id}/active", data={"active": "0", "csrf_token": token})
    assert off.status_code == 302
    assert "/login" in confidant.get("/inbox").location, "the open session ended at once"
    store.expire_all()
    assert not account(store, OMG_CONFIDANT).active
    on = admin.post(f"/admin/users/{target.id}/active", data={"active": "1", "csrf_token": token})
    assert on.status_code == 302
    login(confidant, OMG_CONFIDANT)
    assert confidant.get("/inbox").status_code == 200


def test_an_admin_cannot_deactivate_their_own_account(app, store):
    admin = app.test_client()
    login(admin, ADMIN)
    me = account(store, ADMIN)
    token = csrf_token(admin.get(f"/admin/users/{me.id}").get_data(as_text=True))
    refused = admin.post(f"/admin/users/{me.id}/active", data={"active": "0", "csrf_token": token})
    assert refused.status_code == 400 and "andere beheerder" in refused.get_data(as_text=True)
    store.expire_all()
    assert account(store, ADMIN).active


def test_r2_each_admin_reset_notes_who_did_it(app, store):
    """The password, setup-link and second-factor resets each note the admin (who then may not approve the
    recovery of the account's dossiers: tests/dossiers/test_recovery_process.py) and tell the user by mail."""
    admin = app.test_client()
    login(admin, ADMIN)
    me, target = account(store, ADMIN).id, account(store, OMG_CONFIDANT).id
    for action, data in (("password", {"new": NEW_PASSWORD, "repeat": NEW_PASSWORD}), ("setup-link", {}),
                         ("second-factor", {"confirm": "yes"})):
        store.execute(update(User).where(User.id == target).values(account_reset_by_id=None))
        store.commit()
        assert admin_post(admin, target, action, data).status_code in (200, 302), action
        assert account(store, OMG_CONFIDANT).account_reset_by_id == me, action
        told = store.scalars(select(OutboxMessage).where(OutboxMessage.kind == "account_reset")
                             .order_by(OutboxMessage.id.desc())).first()
        assert told.to_address == OMG_CONFIDANT and "Anouk Beheer" in told.body, "the user is told, by name"
        assert NEW_PASSWORD not in told.body and "/setup/" not in told.body, "never the password or the link"
    assert len(store.scalars(select(OutboxMessage).where(OutboxMessage.kind == "account_reset")).all()) == 3


def test_the_user_list_names_the_entities_of_every_user(app, store):
    """Issue 9, defect 9: a PAPSY's entities by name, all of them (the list showed their codes), and the entity of a
    confidant and of an EOC secretary; the user page says the same."""
    assign_papsy(store, account(store, OMG_PAPSY), entity(store, "AWV"))
    store.commit()
    admin = app.test_client()
    login(admin, ADMIN)
    page = admin.get("/admin/").get_data(as_text=True)
    cells = [[visible_text(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)] for row in page.split("<tr>")]
    entities_of = {row[0]: row[3] for row in cells if len(row) == 4}
    assert entities_of["Luc Van den Broeck"] == "Agentschap Wegen en Verkeer, Departement Omgeving"
    assert entities_of["Sofie Claes"] == entities_of["Ingrid Verhaegen"] == "Departement Omgeving"
    assert entities_of["Anouk Beheer"] == "–"
    papsy_page = visible_text(admin.get(f"/admin/users/{account(store, OMG_PAPSY).id}").get_data(as_text=True))
    assert "Entiteit Agentschap Wegen en Verkeer, Departement Omgeving" in papsy_page
    assert "Entiteit Departement Omgeving" in visible_text(
        admin.get(f"/admin/users/{account(store, OMG_SECRETARY).id}").get_data(as_text=True))
