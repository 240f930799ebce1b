"""Error pages and the engine's refusals speak the user's language."""
from __future__ import annotations

import re

from app.db import db
from app.workflow import services
from tests.helpers import AWV_PAPSY, OMG_SECRETARY, appointment_data, csrf_token, entity, login, user
from tests.small_models import ready_task


def test_the_error_page_is_english_for_an_english_user(app, client):
    """A user who chose English and opens a task that is not theirs gets a 403 page whose title and message are
    English, not the Dutch 'Geen toegang' and 'Deze taak is niet voor u.'."""
    with app.app_context():
        session = db.session()
        instance = services.start_process(session, user(session, OMG_SECRETARY), "appointment",
                                          entity(session, "OMG"), appointment_data())
        task_id = ready_task(session, instance, "review_appointment").id
        session.commit()
    db.session.remove()
    login(client, AWV_PAPSY)
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client.get("/inbox").get_data(as_text=True))})
    response = client.get(f"/tasks/{task_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Geen toegang" not in re.search(r"<title>(.*?)</title>", page).group(1)
    assert "Deze taak is niet voor u." not in page


def test_access_denied_and_not_found_speak_dutch_and_english_and_offer_a_way_back(app, client):
    """Issue 9, defect 1: a plain refusal showed Werkzeug's English text under a Dutch title; now the page says it in
    the user's language, with a way back (to the tasks when logged in, to the login page when not)."""
    werkzeug_words = ("You don't have the permission", "The requested URL was not found")
    anonymous = client.get("/no/such/page").get_data(as_text=True)
    assert "Deze pagina bestaat niet (meer)" in anonymous and 'href="/login"' in anonymous
    login(client, OMG_SECRETARY)
    for path, dutch in (("/admin/", "U hebt geen toegang tot deze pagina"), ("/no/such/page", "bestaat niet")):
        page = client.get(path).get_data(as_text=True)
        assert dutch in page and "Terug naar mijn taken" in page, path
        assert not any(words in page for words in werkzeug_words), path
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client.get("/inbox").get_data(as_text=True))})
    page = client.get("/admin/").get_data(as_text=True)
    assert "You have no access to this page" in page and not any(words in page for words in werkzeug_words)
