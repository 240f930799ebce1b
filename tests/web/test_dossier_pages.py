"""The dossier screens through the web: TOTP login, register, open, note, password change, bad input."""
from __future__ import annotations

import re

from sqlalchemy import func, select, text

from app.auth.second_factor import secret_of
from app.models import AuditEntry, Dossier, DossierNote, User, WebSession
from tests.helpers import OMG_CONFIDANT, csrf_token, login, post_form

FORM = {"opened_on": "2026-11-02", "requester": "Kanarie Verzoeker", "themes": ["bullying", "stress"],
        "persons": "colleague", "interventions": "listening", "note": "kanarie-notitie"}


def register(client, **overrides):
    return post_form(client, "/dossiers/new", {**FORM, **overrides})


def test_a_confidant_registers_opens_and_annotates_a_dossier(app, client, store):
    login(client, OMG_CONFIDANT)
    response = register(client)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Kanarie Verzoeker" in page and "kanarie-notitie" in page and "Pesterijen" in page
    dossier_id = int(response.location.rsplit("/", 1)[1])
    page = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    added = client.post(f"/dossiers/{dossier_id}/notes", data={"note": "tweede gesprek", "csrf_token": csrf_token(page)})
    assert added.status_code == 302
    assert "tweede gesprek" in client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    listing = client.get("/dossiers").get_data(as_text=True)
    assert f"/dossiers/{dossier_id}" in listing and "Kanarie" not in listing, "the list opens nothing"
    store.expire_all()
    assert store.scalar(select(func.count()).select_from(AuditEntry)) >= 4


def test_r4_without_consent_the_form_comes_back_with_the_reason_and_nothing_is_saved(client, store):
    login(client, OMG_CONFIDANT)
    response = register(client, interventions=["listening", "conciliation"])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "toestemming van de verzoeker" in page and 'value="Kanarie Verzoeker"' in page, "input kept"
    assert store.scalar(select(func.count()).select_from(Dossier)) == 0


def test_a_password_change_through_the_web_keeps_the_dossier_readable(app, client):
    login(client, OMG_CONFIDANT)
    location = register(client).location
    changed = post_form(client, "/account/password", {"current": "vertrouwd-demo", "new": "een-nieuw-wachtwoord",
                                                      "repeat": "een-nieuw-wachtwoord"})
    assert changed.status_code == 302
    page = client.get("/inbox").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    again = app.test_client()
    login(again, OMG_CONFIDANT, password="een-nieuw-wachtwoord")
    assert "Kanarie Verzoeker" in again.get(location).get_data(as_text=True)


def test_after_logout_the_held_key_is_gone_and_the_old_cookie_opens_nothing(app, client, store):
    login(client, OMG_CONFIDANT)
    location = register(client).location
    store.expire_all()
    sessions = select(func.count()).select_from(WebSession).where(WebSession.user_id.is_not(None))
    assert store.scalar(sessions) == 1
    page = client.get("/inbox").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    store.expire_all()
    assert store.scalar(sessions) == 0
    assert client.get(location).status_code == 302


def test_the_second_factor_is_asked_and_a_code_works_once(app, store):
    first = app.test_client()
    login(first, OMG_CONFIDANT)  # enrols
    store.expire_all()
    me = store.scalar(select(User).where(User.email == OMG_CONFIDANT))
    assert me.totp_secret and me.totp_last_step is not None
    second = app.test_client()
    page = second.get("/login").get_data(as_text=True)
    step = second.post("/login", data={"email": OMG_CONFIDANT, "password": "vertrouwd-demo",
                                       "csrf_token": csrf_token(page)})
    assert step.location.endswith("/login/code")
    assert second.get("/inbox").status_code == 302, "not logged in before the code"
    import pyotp

    replay = pyotp.TOTP(secret_of(me)).generate_otp(me.totp_last_step)
    page = second.get("/login/code").get_data(as_text=True)
    refused = second.post("/login/code", data={"code": replay, "csrf_token": csrf_token(page)})
    assert refused.status_code == 401 and "al gebruikt" in refused.get_data(as_text=True)
    assert second.get("/inbox").status_code == 302


def test_a_recovery_code_replaces_the_app_once(app, store):
    first = app.test_client()
    page = first.get("/login").get_data(as_text=True)
    first.post("/login", data={"email": OMG_CONFIDANT, "password": "vertrouwd-demo", "csrf_token": csrf_token(page)})
    enrol = first.get("/login/enrol").get_data(as_text=True)
    import pyotp

    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', enrol).group(1)
    done = first.post("/login/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_token(enrol)})
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", first.get(done.location).get_data(as_text=True))
    assert len(codes) == 10
    for attempt, expected in ((codes[0], 302), (codes[0], 401)):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        client.post("/login", data={"email": OMG_CONFIDANT, "password": "vertrouwd-demo",
                                    "csrf_token": csrf_token(page)})
        page = client.get("/login/code").get_data(as_text=True)
        assert client.post("/login/code", data={"code": attempt, "csrf_token": csrf_token(page)}).status_code == expected


def test_an_admin_approves_a_recovery_by_uploading_the_key_which_is_stored_nowhere(app, store):
    import io

    from app.auth.accounts import reset_password
    from app.db import db
    from app.models import Task, TaskState
    from app.workflow import services as workflow
    from tests.helpers import ADMIN, OMG_PAPSY, choose_password, entity, user

    confidant = app.test_client()
    login(confidant, OMG_CONFIDANT)
    location = register(confidant).location
    with app.app_context():
        session = db.session()
        reset_password(session, user(session, OMG_CONFIDANT), "tijdelijk-wachtwoord-1")
        session.commit()
        db.session.remove()
    chosen = app.test_client()
    login(chosen, OMG_CONFIDANT, password="tijdelijk-wachtwoord-1")
    choose_password(chosen, "na-het-herstel-1")
    with app.app_context():
        session = db.session()
        workflow.start_process(session, user(session, OMG_PAPSY), "key_recovery", entity(session, "OMG"),
                               {"kind": "password_reset", "confidant_email": OMG_CONFIDANT})
        session.commit()
        task_id = session.scalar(select(Task.id).where(Task.spec_name == "approve_recovery"))
        db.session.remove()
    admin = app.test_client()
    login(admin, ADMIN)
    page = admin.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Herstelformulier" in page and "Goedkeuren en herstellen" in page
    pem = app.config["TEST_RECOVERY_KEY_FILE"].read_bytes()
    done = admin.post(f"/recovery/tasks/{task_id}", data={
        "decision": "approve", "csrf_token": csrf_token(page), "key_file": (io.BytesIO(pem), "herstel.pem")},
        content_type="multipart/form-data")
    assert done.status_code == 302 and done.location.endswith("/inbox")
    store.expire_all()
    assert store.get(Task, task_id).state == TaskState.COMPLETED
    dumped = b"".join(bytes(str(row), "utf-8") for row in store.execute(select(text("*")).select_from(
        text("process_instance"))).all())
    assert pem.split(b"\n")[1][:20] not in dumped, "the key is not in workflow data"
    again = app.test_client()
    login(again, OMG_CONFIDANT, password="na-het-herstel-1")
    assert "Kanarie Verzoeker" in again.get(location).get_data(as_text=True)


def test_r2_the_api_serves_no_dossier_whatever_id_is_guessed(app, client, store):
    from app.auth.accounts import create_api_token
    from tests.helpers import AWV_CONFIDANT, user

    login(client, OMG_CONFIDANT)
    dossier_id = int(register(client).location.rsplit("/", 1)[1])
    headers = {"Authorization": f"Bearer {create_api_token(store, user(store, AWV_CONFIDANT))}"}
    own = {"Authorization": f"Bearer {create_api_token(store, user(store, OMG_CONFIDANT))}"}
    store.commit()
    api = app.test_client()
    for guess in (dossier_id, dossier_id + 1, 1, 2**31 - 1):
        for path in (f"/api/v1/dossiers/{guess}", f"/api/v1/dossiers/{guess}/notes"):
            assert api.get(path, headers=headers).status_code == 404
            assert api.get(path, headers=own).status_code == 404, "a token carries no key: no dossier by API"
    assert not [path for path in api.get("/api/v1/openapi.json").get_json()["paths"] if "dossier" in path]
    assert api.get(f"/dossiers/{dossier_id}", headers=headers).status_code == 302, "a token is no web login"


def test_bad_list_parameters_are_refused_with_the_reason_never_a_500(client):
    login(client, OMG_CONFIDANT)
    for query in ("page=99999999999999999999999", "page=-5", "page=abc"):
        assert client.get(f"/dossiers?{query}").status_code == 200, query
    for query, field in (("theme=%00", "theme"), ("status=x&delicate=no", "status"), ("delicate=maybe", "delicate"),
                         ("person=" + "a" * 5000, "person")):
        response = client.get(f"/dossiers?{query}")
        assert response.status_code == 422, query
        html = response.get_data(as_text=True)
        assert re.search(rf'<select id="field-{field}"[^>]*aria-invalid="true"', html), query
        assert "Deze keuze bestaat niet" in html
    page = client.get("/dossiers").get_data(as_text=True)
    for summary in ("", "x" * 20001, "bad\x00text"):
        response = client.post("/dossiers/1/summary", data={"summary": summary, "csrf_token": csrf_token(page)})
        assert response.status_code in (302, 404), summary[:10]


def test_the_list_is_built_from_the_page_components(client):
    """Defect 2: a filter bar (a bookmarkable GET form with labelled selects), the table in its own scroll box."""
    login(client, OMG_CONFIDANT)
    register(client)
    html = client.get("/dossiers").get_data(as_text=True)
    assert re.search(r'<form method="get" action="/dossiers" class="filter-bar" role="search"', html)
    for name in ("theme", "person", "intervention", "status", "delicate"):
        assert f'<label for="field-{name}">' in html and f'<select id="field-{name}" name="{name}"' in html, name
    assert '<div class="table-scroll" role="region"' in html and '<header class="page-header">' in html
    assert re.search(r'<input type="search" id="field-q" name="q"', html)


def test_closing_with_a_bad_date_keeps_the_input_marks_the_field_and_closes_nothing(client, store):
    login(client, OMG_CONFIDANT)
    location = register(client).location
    token = csrf_token(client.get(location).get_data(as_text=True))
    for closed_on, reason in (("2026-10-01", "voor het geopend werd"), ("2999-01-01", "in de toekomst"),
                              ("2026-02-31", "")):
        response = client.post(f"{location}/close", data={"closed_on": closed_on, "outcome": "resolved",
                                                          "csrf_token": token})
        assert response.status_code == 422, closed_on
        html = response.get_data(as_text=True)
        assert "Er is een probleem" in html and reason in html
        assert re.search(rf'<input[^>]*id="field-closed_on"[^>]*aria-invalid="true"[^>]*value="{closed_on}"', html)
        assert re.search(r'value="resolved"\s+checked', html), "the chosen outcome is kept"
    store.expire_all()
    assert store.scalar(select(Dossier.closed_on)) is None


def test_an_empty_note_comes_back_marked_and_nothing_is_saved(client, store):
    login(client, OMG_CONFIDANT)
    location = register(client).location
    page = client.get(location).get_data(as_text=True)
    response = client.post(f"{location}/notes", data={"note": "   ", "csrf_token": csrf_token(page)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Er is een probleem" in html and re.search(r'<textarea[^>]*id="field-note"[^>]*aria-invalid="true"', html)
    store.expire_all()
    assert store.scalar(select(func.count()).select_from(DossierNote)) == 1, "only the first note, from registering"


def test_the_list_says_each_dossiers_facts_in_words_the_search_too(client):
    """A row: its number linking to it, the day it opened, theme and person labels in their recorded order, and
    where it stands (closed on a day; a delicate open case's badge and step with the PAPSY)."""
    login(client, OMG_CONFIDANT)
    plain = register(client).location.rsplit("/", 1)[1]
    closed = register(client, requester="Ander Verzoeker", themes=["stress"], persons="direct_manager").location
    token = csrf_token(client.get(closed).get_data(as_text=True))
    assert client.post(f"{closed}/close", data={"closed_on": "2026-11-20", "outcome": "resolved",
                                                "csrf_token": token}).status_code == 302
    delicate = register(client, themes="sexual_harassment").location.rsplit("/", 1)[1]
    closed = closed.rsplit("/", 1)[1]
    cells = r"</td>\s*<td>".join
    rows = {plain: cells([f'<a href="/dossiers/{plain}">Dossier {plain}</a>', "2 nov. 2026", "Pesterijen, Stress",
                          "Collega", "lopend</td>"]),
            closed: cells([f'<a href="/dossiers/{closed}">Dossier {closed}</a>', "2 nov. 2026", "Stress",
                           "Rechtstreekse leidinggevende",
                           "afgesloten op 20 nov. 2026; vernietiging op 20 nov. 2031</td>"]),  # M27: 5 years
            delicate: cells([f'<a href="/dossiers/{delicate}">Dossier {delicate}</a>', "2 nov. 2026",
                             "Ongewenst seksueel gedrag", "Collega",
                             'lopend <span class="badge badge--late">delicaat</span> '
                             '<span class="muted">samenvatting schrijven</span></td>'])}
    html = client.get("/dossiers").get_data(as_text=True)
    assert all(re.search(row, html) for row in rows.values())
    found = client.post("/dossiers/search", data={"q": "ander", "csrf_token": csrf_token(html)}).get_data(as_text=True)
    assert re.search(rows[closed], found) and not re.search(rows[plain], found)
