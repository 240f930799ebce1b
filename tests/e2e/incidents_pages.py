"""The yearly sharing of repeated incidents (R8) as a person reaches it, for the axe-core audit
(tests/e2e/test_accessibility.py): the confidant's task with her repeated-incident dossiers, sent without an account,
and the PAPSY's acknowledgement with the account opened. Arranged as the demo does (app/incidents/demo.py)."""
from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.crypto import user_keys
from app.db import db
from app.demo import DEMO_PASSWORD
from app.incidents import demo
from app.models import Task, TaskState
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, OMG_PAPSY, user


def arrange(spec_name: str) -> int:
    """Els's sharing to write and Sofie's submitted one; returns the READY task ``spec_name``'s id."""
    session = db.session()
    try:
        for email in (AWV_CONFIDANT, OMG_CONFIDANT, OMG_PAPSY, "hilde.jacobs@gdpb.vlaanderen.example"):
            if user_keys.public_key(session, user(session, email).id) is None:
                user_keys.create_for(session, user(session, email), DEMO_PASSWORD)
        demo.make(session)
        session.commit()
        return session.scalar(select(Task.id).where(Task.spec_name == spec_name, Task.state == TaskState.READY))
    finally:
        db.session.remove()


def incident_share_refused(page: Page, base: str, log_in) -> None:
    """Els's task, sent without an account although two dossiers were marked."""
    task_id = arrange("share_incidents")
    log_in(AWV_CONFIDANT)
    page.goto(f"{base}/tasks/{task_id}")
    expect(page.get_by_role("heading", name="Uw herhaalde incidenten van", exact=False)).to_be_visible()
    page.get_by_role("button", name="Taak afwerken").click()
    expect(page.get_by_text("schrijf er een geanonimiseerd verslag over", exact=False).first).to_be_visible()


def incident_acknowledge(page: Page, base: str, log_in) -> None:
    """Luc reads Sofie's account above the acknowledgement."""
    task_id = arrange("acknowledge_incidents")
    log_in(OMG_PAPSY)
    page.goto(f"{base}/tasks/{task_id}")
    expect(page.get_by_text(demo.ACCOUNT)).to_be_visible()
