"""R2 and R8: a canary written into a confidant's yearly account of repeated incidents, through the task screen,
reaches the entity's PAPSY and nobody else: it is found nowhere in the database (every table raw, the pg_dump or the
SQLite file), the workflow and task data, the outbox, Redis, the logs, nor in any page the entity's EOC secretary or an
admin can open."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import time_machine
from sqlalchemy import select

from app.crypto import user_keys
from app.db import db
from app.demo import DEMO_PASSWORD
from app.dossiers import services as dossiers
from app.incidents.sharing import start_year
from app.models import Task, TaskState
from tests.helpers import ADMIN, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, fire_due, login, post_form, user
from tests.security.test_secrecy import admin_pages, captured_logs, database_bytes, redis_bytes  # noqa: F401

CANARY = "Kanarie-R8 Okergele Kaketoe"
UTC = timezone.utc
OPENED = datetime(2027, 12, 1, 8, 0, 1, tzinfo=UTC)


def assert_nowhere(haystack: bytes, where: str) -> None:
    for needle in (CANARY, CANARY.lower(), "Okergele Kaketoe"):
        assert needle.encode() not in haystack, f"the R8 canary is readable in {where}"
        assert needle.encode("utf-16-le") not in haystack, f"the R8 canary is readable (UTF-16) in {where}"


def task_of(spec_name: str) -> int:
    return db.session().scalar(select(Task.id).where(Task.spec_name == spec_name, Task.state == TaskState.READY,
                                                     Task.subject == "Sofie Claes"))


def test_r8_an_accounts_canary_reaches_the_entity_papsy_only(app, tmp_path, redis_client, captured_logs):
    with time_machine.travel(datetime(2027, 11, 30, 9, 0, tzinfo=UTC), tick=False) as clock:
        with app.app_context():
            session = db.session()
            for email in (OMG_CONFIDANT, OMG_PAPSY):
                user_keys.create_for(session, user(session, email), DEMO_PASSWORD)
            dossiers.register(session, user(session, OMG_CONFIDANT), {
                "opened_on": date(2027, 5, 3), "requester": "Verzoeker K", "themes": ["bullying"],
                "persons": ["colleague"], "interventions": ["listening"], "note": "Gesprek.",
                "repeated_incident": True})
            start_year(session, 2027)
            session.commit()
            fire_due(session, clock, OPENED)
            share = task_of("share_incidents")
        db.session.remove()

        confidant = app.test_client()
        login(confidant, OMG_CONFIDANT)
        assert post_form(confidant, f"/tasks/{share}", {"account": f"Verslag: {CANARY}"}).status_code == 302
        with app.app_context():
            acknowledge = task_of("acknowledge_incidents")
            fire_due(db.session(), clock, datetime(2028, 1, 15, 8, 0, 1, tzinfo=UTC))  # the others' reminders
        db.session.remove()
        papsy = app.test_client()
        login(papsy, OMG_PAPSY)
        assert CANARY in papsy.get(f"/tasks/{acknowledge}").get_data(as_text=True), "the PAPSY reads it"

        assert_nowhere(database_bytes(app, tmp_path), "the database (tables, workflow and task data, outbox)")
        assert_nowhere(redis_bytes(redis_client), "Redis")
        assert_nowhere(admin_pages(app, OMG_SECRETARY, minimum=50).encode(), "the EOC secretary's pages")
        assert_nowhere(admin_pages(app, ADMIN, minimum=50).encode(), "an admin's pages")
        clock.shift(timedelta(seconds=1))
    assert_nowhere(captured_logs.read_bytes(), "the logs")
