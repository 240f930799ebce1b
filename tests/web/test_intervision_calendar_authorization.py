"""The calendar's routes in the authorization matrix (same shape as tests/web/test_authorization_matrix.py's MATRIX).

Arranged: the sessions of tests/intervision/calendar_data.py (the OMG group's session with the OMG confidant, an open
GDPB session) and a feed link of the OMG confidant (scenario "feed"; "revoked": that link revoked). The month page is
for PAPSY and confidants; a session's file for who may see the session (else 404, as for one that does not exist);
the feed for whoever holds its link, signed in or not; the account page's POSTs for who may have a calendar.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.intervision import feeds
from app.models import CalendarFeed, NetworkEvent
from tests.helpers import OMG_CONFIDANT, user
from tests.intervision.calendar_data import arrange
from tests.web.matrix_support import act, app, cells, redirected_to, store  # noqa: F401 (the fixtures app and store)
from tests.web.test_authorization_matrix import EMAILS, LOGIN

FEED_SET, REVOKED = "feed", "revoked"
ACCOUNT = "->account page"
EVENT_FILE, FEED_FILE = "/calendar/events/<id:event_id>.ics", "/calendar/<token>.ics"
MAKE, REVOKE = "/account/calendar-feed", "/account/calendar-feed/revoke"

# method, url_map rule, url, scenario, effect when allowed | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", "/calendar", "/calendar", FEED_SET, None, LOGIN, 200, 403, 200, 403, 200, 200, 403),
    # The OMG group's session: its member and every PAPSY; not the AWV confidant, who is in no such group.
    ("GET", EVENT_FILE, "/calendar/events/{north}.ics", FEED_SET, None, LOGIN, 200, 404, 200, 404, 200, 404, 404),
    ("GET", EVENT_FILE, "/calendar/events/{open_session}.ics", FEED_SET, None,
     LOGIN, 200, 404, 200, 404, 200, 200, 404),
    ("GET", EVENT_FILE, "/calendar/events/999999.ics", FEED_SET, None, LOGIN, 404, 404, 404, 404, 404, 404, 404),
    # The link is the key: whoever holds it gets the OMG confidant's sessions, and nobody once it is revoked.
    ("GET", FEED_FILE, "/calendar/{token}.ics", FEED_SET, "nothing", 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", FEED_FILE, "/calendar/{token}.ics", REVOKED, "nothing", 404, 404, 404, 404, 404, 404, 404, 404),
    ("POST", MAKE, MAKE, FEED_SET, "feed_made", LOGIN, ACCOUNT, 403, ACCOUNT, 403, ACCOUNT, ACCOUNT, 403),
    ("POST", REVOKE, REVOKE, FEED_SET, "feed_revoked", LOGIN, ACCOUNT, 403, ACCOUNT, 403, ACCOUNT, ACCOUNT, 403),
]
ALLOWED = {200, ACCOUNT}
CELLS = cells(MATRIX, (0, 2, 3))


def arrange_calendar(store, scenario: str) -> dict:
    ids = arrange(store).ids()
    ids["token"] = feeds.renew(store, user(store, OMG_CONFIDANT))
    if scenario == REVOKED:
        feeds.revoke(store, user(store, OMG_CONFIDANT))
    store.commit()
    return ids


def snapshot(store) -> dict:
    state = {"feeds": dict(store.execute(select(CalendarFeed.user_id, CalendarFeed.token_hash)).all()),
             "events": store.execute(select(NetworkEvent.id, NetworkEvent.sequence, NetworkEvent.cancelled_at)
                                     .order_by(NetworkEvent.id)).all()}
    store.rollback()
    return state


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_calendar_matrix(app, store, row, actor, expected):
    method, _rule, template, scenario, effect = row[:5]
    ids = arrange_calendar(store, scenario)
    response, before = act(app, store, actor, method, template.format(**ids), snapshot)
    if (where := redirected_to(response, expected)) is not None:
        assert where == ("/login" if expected == LOGIN else "/account/password")
    after = snapshot(store)
    assert after["events"] == before["events"]
    actor_id = None if actor == "anonymous" else user(store, EMAILS[actor]).id
    if expected not in ALLOWED or effect in (None, "nothing"):
        assert after["feeds"] == before["feeds"], "a refused request (or a GET) changed the feeds"
    elif effect == "feed_made":  # a new link for the actor; every other link as it was
        assert after["feeds"][actor_id] != before["feeds"].get(actor_id)
        assert {k: v for k, v in after["feeds"].items() if k != actor_id} == \
            {k: v for k, v in before["feeds"].items() if k != actor_id}
    elif effect == "feed_revoked":  # the actor's own link (if any) is gone; the OMG confidant's stays for others
        assert after["feeds"] == {k: v for k, v in before["feeds"].items() if k != actor_id}
