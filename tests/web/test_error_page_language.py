"""Review: error pages and engine refusals are Dutch in the English interface."""
from __future__ import annotations

import re

from app.db import db
from app.workflow import services
from tests.helpers import AWV_PAPSY, OMG_SECRETARY, appointment_data, csrf_token, entity, login, user
from tests.small_models import ready_task


def test_review_error_page_is_english_for_an_english_user(app, client):
    """BUG (should fix): app/web.py translates ERROR_TITLES with ``_(variable)`` (never extracted, so not in
    messages.po) and the services raise EngineError with literal Dutch messages (no gettext/lazy_gettext), which
    the error page and the task route's flash show as is. An English user sees 'Geen toegang' and 'Deze taak is
    niet voor u.'. Fails now; passes once the titles are marked with lazy_gettext at definition and the engine/
    service messages are lazy strings (or codes translated at the edge) with English entries in messages.po."""
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
