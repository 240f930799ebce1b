"""Issue 9, defect 9: the admin's "Nu laten afgaan" asks first, fires only the timer the admin saw, and the page then
shows honestly where the timer stands (a worker fires it through RQ after the commit)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import Timer, TimerState
from tests.helpers import ADMIN, csrf_token, lived_in, login, visible_text
from workers.jobs import fire_timer


@pytest.fixture
def six_months(store) -> Timer:
    """The new confidant's first training reminder, months away."""
    lived_in(store)
    return store.scalar(select(Timer).where(Timer.spec_name == "reminder_6m"))


@pytest.fixture
def admin(app):
    client = app.test_client()
    login(client, ADMIN)
    return client


def row_text(admin, timer_id: int) -> str:
    page = admin.get("/admin/timers").get_data(as_text=True)
    row = page.split(f'<tr id="timer-{timer_id}"')[1].split("</tr>")[0]
    return visible_text("<tr" + row)


def reread(store, timer_id: int) -> Timer:
    store.expire_all()
    return store.get(Timer, timer_id)


def test_the_button_asks_in_the_browser_and_says_which_timer(admin, six_months):
    page = admin.get("/admin/timers").get_data(as_text=True)
    form = re.search(rf'<form[^>]*action="/admin/timers/{six_months.id}/fire-now"[^>]*>.*?</form>', page, re.S)[0]
    assert 'name="confirmed" value=""' in form and f'name="due" value="{six_months.due_at.isoformat()}"' in form
    question = re.search(r'data-confirm="([^"]*)"', form)[1]
    assert "6 maanden voor de termijn" in question and "Termijn basisopleiding" in question


def test_a_post_without_confirmation_only_asks_and_changes_nothing(admin, store, six_months):
    """A browser without JavaScript (or a stray request) gets the question on a page of its own."""
    due = six_months.due_at
    token = csrf_token(admin.get("/admin/timers").get_data(as_text=True))
    response = admin.post(f"/admin/timers/{six_months.id}/fire-now",
                          data={"csrf_token": token, "due": due.isoformat()})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Termijn nu laten afgaan?" in visible_text(page)
    assert 'name="confirmed" value="1"' in page, "its button confirms"
    timer = reread(store, six_months.id)
    assert (timer.state, timer.due_at) == (TimerState.PENDING, due)


def test_only_the_timer_the_admin_saw_fires(admin, store, six_months):
    """A timer that moved since the page was shown (another admin, another tab) is left alone, with a message."""
    token = csrf_token(admin.get("/admin/timers").get_data(as_text=True))
    response = admin.post(f"/admin/timers/{six_months.id}/fire-now",
                          data={"csrf_token": token, "confirmed": "1", "due": "2028-01-01T00:00:00+00:00"})
    assert response.status_code == 302
    assert "intussen veranderd" in visible_text(admin.get(response.location).get_data(as_text=True))
    assert reread(store, six_months.id).due_at == six_months.due_at


def test_after_firing_the_row_says_it_is_being_fired_then_that_it_went_off(admin, store, six_months):
    assert "wacht" in row_text(admin, six_months.id) and "Nu laten afgaan" in row_text(admin, six_months.id)
    token = csrf_token(admin.get("/admin/timers").get_data(as_text=True))
    response = admin.post(f"/admin/timers/{six_months.id}/fire-now", data={
        "csrf_token": token, "confirmed": "1", "due": six_months.due_at.isoformat()})
    assert response.status_code == 302 and response.location.endswith(f"#timer-{six_months.id}")
    row = row_text(admin, six_months.id)
    assert "wordt nu afgevuurd" in row and "Nu laten afgaan" not in row, "due now: a worker takes it"
    assert fire_timer(six_months.id) == "fired"  # what the worker does with the job queued after the commit
    page = admin.get("/admin/timers").get_data(as_text=True)
    fired = page.split('id="fired-title"')[1]
    assert f'id="timer-{six_months.id}"' in fired and "afgegaan" in row_text(admin, six_months.id)
