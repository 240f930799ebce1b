"""Issue 9, defect 2: every page works from 360 px up without scrolling sideways (wide tables scroll in their own
box), and the header is one row at 1280 px for every role (the confidant's menu is the longest). Each role logs in
once and looks at its pages in a platform in use (tests.helpers.lived_in), at both widths."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from app.db import db
from app.models import Task, TaskState, User
from tests.conftest import build_app
from tests.e2e.conftest import serve
from tests.helpers import ADMIN, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, lived_in

pytestmark = pytest.mark.browser

PHONE, LAPTOP = 360, 1280
# The header's items (the name, the menu's entries, the session tools) share one horizontal line: each starts above
# the line where the highest-ending one ends.
HEADER_IS_ONE_ROW = """() => {
  const boxes = [...document.querySelectorAll('.site-header .brand, .site-header nav li, .site-header .session-tools > *')]
    .map(element => element.getBoundingClientRect()).filter(box => box.width > 0);
  return Math.max(...boxes.map(box => box.top)) < Math.min(...boxes.map(box => box.bottom));
}"""


@pytest.fixture
def ids() -> dict:
    return {}


@pytest.fixture
def live_server(database_url, redis_url, tmp_path, ids):
    """The app with a platform in use; ``ids`` learns the instances, the dossier, a task and a user to visit."""
    app = build_app(database_url, redis_url, tmp_path)
    with app.app_context():
        session = db.session()
        ids.update(lived_in(session))
        ids["take_up"] = session.scalar(select(Task.id).where(Task.instance_id == ids["delicate_case"],
                                                              Task.state == TaskState.READY))
        ids["sofie"] = session.scalar(select(User.id).where(User.email == OMG_CONFIDANT))
        session.close()  # firing the timers ended the thread's session: this object is no longer the registry's
    db.session.remove()
    with serve(app) as base_url:
        yield base_url


def pages_of(ids: dict) -> dict[str, list[str]]:
    return {
        OMG_CONFIDANT: ["/inbox", "/instances", f"/instances/{ids['delicate_case']}", "/dossiers",
                        f"/dossiers/{ids['dossier']}", "/dossiers/new", "/roster/", "/account/password", "/role-endings/mine",
                        "/library/", "/register", "/register/new", "/contacts"],
        OMG_PAPSY: ["/inbox", "/instances", f"/instances/{ids['appointment']}", f"/tasks/{ids['take_up']}",
                    "/roster/?status=all", "/role-endings", "/library/", "/library/documents/new",
                    "/register/report", "/contacts"],
        OMG_SECRETARY: ["/inbox", "/instances", "/instances?started_from=2026-02-30&page=0",
                        "/processes/appointment/start", "/roster/", "/role-endings/removal", "/register/report",
                        "/evaluations"],
        ADMIN: ["/admin/", "/admin/outbox", "/admin/outbox/1", "/admin/timers", "/admin/users/new",
                f"/admin/users/{ids['sofie']}", "/instances"],
    }


def test_every_page_fits_a_phone_and_the_header_is_one_row_at_1280_px(page: Page, live_server, ids, log_in,
                                                                        log_out):
    problems = []
    for email, paths in pages_of(ids).items():
        page.set_viewport_size({"width": LAPTOP, "height": 800})
        log_in(email)
        for path in paths:
            page.set_viewport_size({"width": PHONE, "height": 800})
            response = page.goto(live_server + path)
            assert response.status in (200, 422), (email, path, response.status)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE:
                problems.append(f"{email} {path}: {width} px wide at {PHONE} px")
            page.set_viewport_size({"width": LAPTOP, "height": 800})
            if not page.evaluate(HEADER_IS_ONE_ROW):
                problems.append(f"{email} {path}: the header wraps at {LAPTOP} px")
        log_out()
    assert problems == []
