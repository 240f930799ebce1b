"""Review: a failing service task tells the user an admin was notified; nothing notifies or records it."""
from __future__ import annotations

from sqlalchemy import select

from app.db import db
from app.engine import services as engine_services
from app.models import HistoryEvent, InstanceStatus, ProcessInstance
from app.workflow import services
from tests.helpers import OMG_PAPSY, OMG_SECRETARY, appointment_data, csrf_token, entity, login, user
from tests.small_models import ready_task


def test_review_process_failed_leaves_a_trace_an_admin_can_see(app, client, monkeypatch):
    """BUG (should fix): runner.run_engine turns any engine failure into ProcessFailed('... Een beheerder werd
    verwittigd.'), the request then rolls back everything, and the only trace is one WARNING log line with the
    exception's type. No incident, no history event, no notification: the promise in the message is false and
    the PAPSY can only retry. Fails now; passes once the failure is recorded in its own transaction after the
    rollback (ProcessInstance.incident/status INCIDENT or a history event 'incident', without exception text),
    or the message stops promising a notification."""
    with app.app_context():
        session = db.session()
        instance = services.start_process(session, user(session, OMG_SECRETARY), "appointment",
                                          entity(session, "OMG"), appointment_data())
        instance_id, task_id = instance.id, ready_task(session, instance, "review_appointment").id
        session.commit()
    db.session.remove()

    def broken(context, params, data):
        raise RuntimeError("mail server down")

    monkeypatch.setitem(engine_services._registry, "roster.activate", broken)
    login(client, OMG_PAPSY)
    token = csrf_token(client.get(f"/tasks/{task_id}").get_data(as_text=True))
    page = client.post(f"/tasks/{task_id}", data={"decision": "approve", "csrf_token": token}).get_data(as_text=True)
    with app.app_context():
        session = db.session()
        row = session.get(ProcessInstance, instance_id)
        kinds = set(session.scalars(select(HistoryEvent.kind).where(HistoryEvent.instance_id == instance_id)))
        recorded = row.incident is not None or row.status == InstanceStatus.INCIDENT or "incident" in kinds
    db.session.remove()
    assert recorded or "verwittigd" not in page
