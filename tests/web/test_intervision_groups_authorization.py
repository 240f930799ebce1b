"""The authorization matrix of the intervision groups' pages and API (R12.1): only PAPSY see and manage groups;
only the group's own PAPSY plans, changes, cancels and records attendance; a confidant sees their own group.

Arranged: group "Noord" led by the OMG PAPSY with the OMG and AWV confidants, a session held yesterday and one in 30
days; group "Zuid" led by the AWV PAPSY, empty; an active confidant in no group ("extra"). Allowed POSTs must have
their effect; refused ones (and every GET) leave the groups, memberships, sessions and participants as they were.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.intervision import groups
from app.intervision.group_sessions import this_year
from app.models import EventParticipant, GroupMembership, IntervisionGroup, NetworkEvent
from tests.helpers import AWV_PAPSY, user
from tests.intervision.groups_support import arrange_group, make_confidants, record_announcements
from tests.web.matrix_support import act, app, cells  # noqa: F401 (the fixtures app)
from tests.web.test_authorization_matrix import LOGIN

GROUP = "->group"  # back on group Noord's page
NEW_GROUP = "->new group"
G = "/intervision/groups/<id:group_id>"
M = G + "/members/<id:confidant_id>"
S = G + "/sessions/<id:event_id>"
N, V = "/intervision/groups/{group}", "/intervision/groups/{group}/sessions"

# method, url_map rule, url, scenario, effect when allowed | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", "/intervision/groups", "/intervision/groups", "groups", None, LOGIN, 403, 403, 200, 403, 200, 403, 403),
    ("POST", "/intervision/groups", "/intervision/groups", "groups", "created",
     LOGIN, 403, 403, NEW_GROUP, 403, NEW_GROUP, 403, 403),
    ("GET", G, N, "groups", None, LOGIN, 403, 403, 200, 403, 200, 403, 403),
    ("POST", G + "/settings", N + "/settings", "groups", "renamed", LOGIN, 403, 403, GROUP, 403, GROUP, 403, 403),
    # The group has members: a PAPSY is told to move them first (tests/intervision/test_groups.py).
    ("POST", G + "/archive", N + "/archive", "groups", "nothing", LOGIN, 403, 403, 422, 403, 422, 403, 403),
    ("POST", G + "/members", N + "/members", "groups", "added", LOGIN, 403, 403, GROUP, 403, GROUP, 403, 403),
    ("POST", M + "/move", N + "/members/{omg}/move", "groups", "moved", LOGIN, 403, 403, GROUP, 403, GROUP, 403, 403),
    ("POST", M + "/remove", N + "/members/{omg}/remove", "groups", "removed",
     LOGIN, 403, 403, GROUP, 403, GROUP, 403, 403),
    ("POST", G + "/sessions", V, "groups", "planned", LOGIN, 403, 403, GROUP, 403, 403, 403, 403),
    ("POST", S + "/change", V + "/{future}/change", "groups", "changed", LOGIN, 403, 403, GROUP, 403, 403, 403, 403),
    ("POST", S + "/cancel", V + "/{future}/cancel", "groups", "cancelled", LOGIN, 403, 403, GROUP, 403, 403, 403, 403),
    ("POST", S + "/attendance", V + "/{past}/attendance", "groups", "recorded",
     LOGIN, 403, 403, GROUP, 403, 403, 403, 403),
    ("GET", "/intervision/mine", "/intervision/mine", "groups", None, LOGIN, 200, 403, 403, 403, 403, 200, 403),
    ("GET", "/api/v1/intervision/groups", "/api/v1/intervision/groups", "groups", None,
     401, 403, 403, 200, 403, 200, 403, 403),
    # Everyone signed in gets the sessions they may see (none for the employer's side and admins).
    ("GET", "/api/v1/intervision/sessions", "/api/v1/intervision/sessions?year={year}", "groups", None,
     401, 200, 200, 200, 200, 200, 200, 200),
    # A session the caller may not see is 404, as an unknown one (the members see it: 403).
    ("POST", "/api/v1/intervision/sessions/<id:event_id>/attendance", "/api/v1/intervision/sessions/{past}/attendance",
     "groups", "recorded", 401, 403, 404, 200, 404, 403, 403, 404),
]
ALLOWED = {GROUP, NEW_GROUP, 200}
SESSION_FORM = {"day": "2099-03-02", "start": "09:00", "end": "12:30", "place": "Herman Teirlinck"}


def bodies(ids: dict) -> dict:
    return {
        "/intervision/groups": {"name": "Oost", "leader": str(ids["leader"])},
        N + "/settings": {"name": "Noord-West", "leader": str(ids["leader"])}, N + "/archive": {},
        N + "/members": {"confidant": str(ids["extra"])}, N + "/members/{omg}/move": {"to": str(ids["south"])},
        N + "/members/{omg}/remove": {}, V: SESSION_FORM, V + "/{future}/change": SESSION_FORM,
        V + "/{future}/cancel": {}, V + "/{past}/attendance": {f"attendance-{ids['omg']}": "present"},
        "/api/v1/intervision/sessions/{past}/attendance": {"attendance": {ids["omg_email"]: "present"}},
    }


CELLS = cells(MATRIX)


def arrange(store) -> dict:
    ids = arrange_group(store)
    papsy = user(store, AWV_PAPSY)
    south = groups.create_group(store, papsy, "Zuid", papsy)
    extra = make_confidants(store, 1, "AWV")[0]
    group = groups.get_group(store, ids["group"])
    store.commit()
    return {**ids, "south": south.id, "extra": extra.id, "leader": group.leader_id, "year": this_year(),
            "omg_email": next(m.confidant.email for m in groups.current_members(store, group)
                              if m.confidant_id == ids["omg"])}


def snapshot(store) -> dict:
    store.expire_all()
    state = {
        "groups": store.execute(select(IntervisionGroup.id, IntervisionGroup.name, IntervisionGroup.leader_id,
                                       IntervisionGroup.archived_at).order_by(IntervisionGroup.id)).all(),
        "memberships": store.execute(select(GroupMembership.group_id, GroupMembership.confidant_id,
                                            GroupMembership.left_on).order_by(GroupMembership.id)).all(),
        "events": store.execute(select(NetworkEvent.id, NetworkEvent.sequence, NetworkEvent.cancelled_at)
                                .order_by(NetworkEvent.id)).all(),
        "participants": store.execute(select(EventParticipant.event_id, EventParticipant.confidant_id,
                                             EventParticipant.status, EventParticipant.attendance)
                                      .order_by(EventParticipant.id)).all(),
    }
    store.rollback()
    return state


def assert_effect(effect, ids: dict, before: dict, after: dict) -> None:
    changed = {key for key in before if before[key] != after[key]}
    current = {(row.group_id, row.confidant_id) for row in after["memberships"] if row.left_on is None}
    if effect == "created":
        assert changed == {"groups"} and after["groups"][-1].name == "Oost"
    elif effect == "renamed":
        assert changed == {"groups"} and (ids["group"], "Noord-West") in {(g.id, g.name) for g in after["groups"]}
    elif effect == "added":
        assert (ids["group"], ids["extra"]) in current and "participants" in changed  # invited to the future session
    elif effect == "moved":
        assert (ids["south"], ids["omg"]) in current and (ids["group"], ids["omg"]) not in current
        assert len(after["memberships"]) == len(before["memberships"]) + 1  # the history keeps the old membership
    elif effect == "removed":
        assert (ids["group"], ids["omg"]) not in current and len(after["memberships"]) == len(before["memberships"])
    elif effect == "planned":
        assert len(after["events"]) == len(before["events"]) + 1
    elif effect == "changed":
        assert changed == {"events"} and {e.id: e.sequence for e in after["events"]}[ids["future"]] == 1
    elif effect == "cancelled":
        assert changed == {"events"} and {e.id: e.cancelled_at for e in after["events"]}[ids["future"]] is not None
    elif effect == "recorded":
        assert changed == {"participants"}
        assert (ids["past"], ids["omg"], "present") in {(p.event_id, p.confidant_id, p.attendance)
                                                        for p in after["participants"]}


def assert_outcome(response, expected, ids: dict) -> None:
    where = urlsplit(response.location or "").path
    if isinstance(expected, int):
        assert response.status_code == expected, (response.status_code, where)
    elif expected == LOGIN:
        assert (response.status_code, where) == (302, "/login")
    elif expected == GROUP:
        assert (response.status_code, where) == (302, f"/intervision/groups/{ids['group']}")
    else:
        assert response.status_code == 302 and where.startswith("/intervision/groups/") and \
            where != f"/intervision/groups/{ids['group']}"


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_intervision_groups_matrix(app, store, monkeypatch, row, actor, expected):
    record_announcements(monkeypatch)
    method, _rule, template, _scenario, effect = row[:5]
    ids = arrange(store)
    data = bodies(ids)[template] if method == "POST" else None
    response, before = act(app, store, actor, method, template.format(**ids), snapshot, data,
                           api=template.startswith("/api/"))
    assert_outcome(response, expected, ids)
    after = snapshot(store)
    if effect in (None, "nothing") or expected not in ALLOWED:
        assert after == before, "a refused request (or a GET) changed the database"
    else:
        assert_effect(effect, ids, before, after)
