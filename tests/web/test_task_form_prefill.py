"""Review: the second review after a send-back starts from the first review's answer."""
from __future__ import annotations

import re

from app.db import db
from app.workflow import services
from tests.helpers import OMG_PAPSY, OMG_SECRETARY, appointment_data, entity, login, user
from tests.small_models import ready_task


def test_review_second_review_is_not_prefilled_with_the_earlier_send_back(app, client):
    """BUG (should fix; easy to trip over): the task page pre-fills a form with *all* workflow data
    (routes.task: values = screen.data, from services.task_data). After a send-back and the correction, the
    PAPSY's second review opens with 'Terugsturen' already chosen and the old reason filled in; one click on
    'Taak afwerken' sends it back again. The stale reason also stays in the data after an approval.
    Fails now; passes once a task's form starts from its own defaults (or fields the task itself owns are
    cleared when the task becomes READY again)."""
    with app.app_context():
        session = db.session()
        instance = services.start_process(session, user(session, OMG_SECRETARY), "appointment",
                                          entity(session, "OMG"), appointment_data())
        first = ready_task(session, instance, "review_appointment")
        services.complete_task(session, user(session, OMG_PAPSY), first.id,
                               {"decision": "send_back", "send_back_reason": "Referentie ontbreekt"})
        correction = ready_task(session, instance, "correct_appointment")
        services.complete_task(session, user(session, OMG_SECRETARY), correction.id, appointment_data())
        second_id = ready_task(session, instance, "review_appointment").id
        session.commit()
    db.session.remove()
    login(client, OMG_PAPSY)
    page = client.get(f"/tasks/{second_id}").get_data(as_text=True)
    checked = re.findall(r'<input[^>]*value="(\w+)"[^>]*\bchecked', page)
    assert "send_back" not in checked, "the second review opens with the first decision pre-selected"
    assert "Referentie ontbreekt</textarea>" not in page
