"""A task's form starts from its own defaults, not from what an earlier task of the process answered."""
from __future__ import annotations

import re

from app.db import db
from app.workflow import services
from tests.helpers import OMG_PAPSY, OMG_SECRETARY, appointment_data, entity, login, user
from tests.small_models import ready_task


def test_the_second_review_is_not_prefilled_with_the_earlier_send_back(app, client):
    """After a send-back and the correction, the PAPSY's second review opens with no decision chosen and no
    reason filled in (one click would otherwise send it back again)."""
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
