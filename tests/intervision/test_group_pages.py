"""R12.1 through the web, the API and the CLI: the group's PAPSY records attendance after a session (nobody else,
never before it starts, nothing saved from a bad request); the groups and sessions in the API; the operators' table."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.auth.accounts import create_api_token
from app.cli import main
from app.db import db
from app.intervision import groups
from app.intervision.group_sessions import this_year
from app.models import EventParticipant
from tests.helpers import AWV_CONFIDANT, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, csrf_token, login, user
from tests.intervision.groups_support import arrange_group, make_confidants, record_announcements


@pytest.fixture
def ids(app, store, monkeypatch):
    record_announcements(monkeypatch)
    return arrange_group(store)


def marks(store, event_id: int) -> dict[int, str | None]:
    store.expire_all()
    found = dict(store.execute(select(EventParticipant.confidant_id, EventParticipant.attendance)
                               .where(EventParticipant.event_id == event_id)).all())
    store.rollback()
    return found


def bearer(store, email: str) -> dict:
    token = create_api_token(store, user(store, email))
    store.commit()
    return {"Authorization": f"Bearer {token}"}


def test_r12_attendance_recorded_by_the_leader_only_on_the_web(app, store, ids):
    leader, other = app.test_client(), app.test_client()
    login(leader, OMG_PAPSY)
    login(other, AWV_PAPSY)
    page = leader.get(f"/intervision/groups/{ids['group']}").get_data(as_text=True)
    assert "Aanwezigheid bewaren" in page and "van 2 gepland" in page
    url = f"/intervision/groups/{ids['group']}/sessions/{ids['past']}/attendance"
    form = {"csrf_token": csrf_token(page), f"attendance-{ids['omg']}": "present", f"attendance-{ids['awv']}": "excused"}
    other_page = other.get(f"/intervision/groups/{ids['group']}").get_data(as_text=True)
    assert "Aanwezigheid bewaren" not in other_page  # another PAPSY sees the group, not the attendance form
    assert other.post(url, data={**form, "csrf_token": csrf_token(other_page)}).status_code == 403
    bad = leader.post(url, data={**form, f"attendance-{ids['awv']}": "late"})
    assert bad.status_code == 422 and "Kies aanwezig, afwezig of verontschuldigd." in bad.get_data(as_text=True)
    too_early = leader.post(f"/intervision/groups/{ids['group']}/sessions/{ids['future']}/attendance", data=form)
    assert too_early.status_code == 422 and "nog niet begonnen" in too_early.get_data(as_text=True)
    assert marks(store, ids["past"]) == {ids["omg"]: None, ids["awv"]: None}
    assert leader.post(url, data=form).status_code == 302
    assert marks(store, ids["past"]) == {ids["omg"]: "present", ids["awv"]: "excused"}
    leader.post(url, data={**form, f"attendance-{ids['awv']}": "absent"})  # recording again changes it
    assert marks(store, ids["past"]) == {ids["omg"]: "present", ids["awv"]: "absent"}


def test_r12_attendance_recorded_by_the_leader_only_in_the_api(app, store, ids):
    client, url = app.test_client(), f"/api/v1/intervision/sessions/{ids['past']}/attendance"
    body = {"attendance": {OMG_CONFIDANT: "present", AWV_CONFIDANT: "absent"}}
    assert client.post(url, json=body, headers=bearer(store, AWV_PAPSY)).status_code == 403
    leader = bearer(store, OMG_PAPSY)
    bad = client.post(url, json={"attendance": {OMG_CONFIDANT: "present", "niemand@x.example": "present",
                                                 AWV_CONFIDANT: "late"}}, headers=leader)
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"niemand@x.example", AWV_CONFIDANT}
    assert client.post(url, json={"attendance": ["present"]}, headers=leader).status_code == 422
    early = client.post(f"/api/v1/intervision/sessions/{ids['future']}/attendance", json=body, headers=leader)
    assert early.status_code == 422
    assert marks(store, ids["past"]) == {ids["omg"]: None, ids["awv"]: None}
    done = client.post(url, json=body, headers=leader)
    assert done.status_code == 200
    assert {row["email"]: row["attendance"] for row in done.get_json()["attendance"]} == body["attendance"]


def test_r12_groups_and_sessions_in_the_api(app, store, ids):
    client = app.test_client()
    listed = client.get("/api/v1/intervision/groups", headers=bearer(store, AWV_PAPSY)).get_json()["groups"]
    assert [(g["name"], g["leader"]["email"], sorted((m["email"], m["entity"]) for m in g["members"]))
            for g in listed] == [("Noord", OMG_PAPSY, [(AWV_CONFIDANT, "AWV"), (OMG_CONFIDANT, "OMG")])]
    confidant = bearer(store, OMG_CONFIDANT)
    assert client.get("/api/v1/intervision/groups", headers=confidant).status_code == 403
    assert client.get("/api/v1/intervision/sessions", headers=confidant).status_code == 400
    assert client.get("/api/v1/intervision/sessions?year=twee", headers=confidant).status_code == 400
    seen = client.get(f"/api/v1/intervision/sessions?year={this_year()}", headers=confidant).get_json()["sessions"]
    assert {s["group"] for s in seen} == {"Noord"}, "the confidant sees their group's sessions"


def test_r12_the_13th_member_is_refused_on_the_page(app, store, ids):
    group, papsy = groups.get_group(store, ids["group"]), user(store, OMG_PAPSY)
    for member in make_confidants(store, 10, "AWV"):
        groups.add_member(store, group, member, papsy)
    extra = make_confidants(store, 1, "OMG")[0]
    store.commit()
    client = app.test_client()
    login(client, OMG_PAPSY)
    page = client.get(f"/intervision/groups/{ids['group']}").get_data(as_text=True)
    assert "12 van 12" in page and "De groep is volzet" in page
    refused = client.post(f"/intervision/groups/{ids['group']}/members",
                          data={"csrf_token": csrf_token(page), "confidant": str(extra.id)})
    assert refused.status_code == 422
    assert "De groep telt al 12 vertrouwenspersonen (het maximum)." in refused.get_data(as_text=True)
    assert groups.current_group(store, extra) is None


def test_the_operators_table_of_groups(app, store, ids, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["intervision", "groups"])
    db.session.remove()
    assert result.exit_code == 0, result.output
    header, row = result.output.splitlines()
    assert header.split()[:3] == ["GROUP", "PAPSY", "MEMBERS"]
    assert row.startswith("Noord") and "Luc Van den Broeck" in row and "2/12" in row
