"""The calendar page (the sessions a user may see, by month), a session's calendar file, and the personal feed: a
secret URL without login that holds the user's own sessions, renewed or revoked on the account page."""
from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.intervision import events, feeds
from app.models import CalendarFeed, EventKind, NetworkEvent
from tests.helpers import AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, csrf_token, login, user, visible_text
from tests.intervision.calendar_data import arrange, at


@pytest.fixture
def made(store):
    made = arrange(store)
    yield made
    store.rollback()


def signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


def uids(response) -> dict[str, str]:
    """UID -> STATUS of the events in a calendar file."""
    return {str(vevent["UID"]): str(vevent["STATUS"]) for vevent in Calendar.from_ical(response.data).walk("VEVENT")}


def test_r12_a_confidant_sees_the_open_sessions_and_their_own_group_not_another_groups(app, made):
    page = signed_in(app, OMG_CONFIDANT).get("/calendar?month=2027-03")
    text = visible_text(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "Groep Noord" in text and "Groep Zuid" not in text
    assert "open intervisie van de GDPB" in text and "Omgaan met agressie" in text
    assert "4 sessies" not in text and "3 sessies in deze maand" in text
    assert "dinsdag 9 mrt. 2027" in text and "09:00–12:30" in text and "Herman Teirlinckgebouw, zaal 3" in text
    assert "09:00–24 mrt. 2027 16:00" in text  # the training spans two days
    html = page.get_data(as_text=True)
    assert f'href="/calendar/events/{made.north.id}.ics"' in html
    assert f'href="/calendar/events/{made.south.id}.ics"' not in html
    assert 'href="/calendar?month=2027-02"' in html and 'href="/calendar?month=2027-04"' in html


def test_r12_a_papsy_sees_the_whole_calendar_with_cancelled_sessions_marked(app, store, made):
    events.cancel(store, made.south)
    store.commit()
    page = signed_in(app, OMG_PAPSY).get("/calendar?month=2027-03")
    text = visible_text(page.get_data(as_text=True))
    assert "4 sessies in deze maand" in text and "Groep Zuid geannuleerd" in text
    assert 'href="https://meet.example/zuid"' in page.get_data(as_text=True)
    assert "Geen sessies in april 2027." in visible_text(signed_in(app, AWV_PAPSY).get("/calendar?month=2027-04")
                                                          .get_data(as_text=True))


@pytest.mark.parametrize("month", ["2027-13", "maart", "1999-01", "2027-3"])
def test_a_bad_month_is_said_and_the_current_month_shown(app, made, month):
    page = signed_in(app, OMG_CONFIDANT).get(f"/calendar?month={month}")
    text = visible_text(page.get_data(as_text=True))
    assert page.status_code == 400
    assert "Deze maand kan niet getoond worden; u ziet de huidige maand." in text
    assert "Kies een maand als JJJJ-MM, bijvoorbeeld 2027-03." in text


def test_the_eoc_secretary_has_no_calendar_and_no_session_file(app, made):
    client = signed_in(app, OMG_SECRETARY)
    assert client.get("/calendar").status_code == 403
    assert client.get(f"/calendar/events/{made.open_session.id}.ics").status_code == 404


def test_a_session_file_for_who_may_see_the_session(app, made):
    client = signed_in(app, OMG_CONFIDANT)
    response = client.get(f"/calendar/events/{made.north.id}.ics")
    assert response.status_code == 200 and response.content_type == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="sessie-{made.north.id}.ics"'
    calendar = Calendar.from_ical(response.data)
    assert "METHOD" not in calendar and uids(response) == {made.north.uid: "CONFIRMED"}
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Brussels"
    assert client.get(f"/calendar/events/{made.south.id}.ics").status_code == 404
    assert client.get("/calendar/events/999999.ics").status_code == 404


def test_the_feed_link_is_made_on_the_account_page_shown_once_and_works_without_login(app, store, made):
    client = signed_in(app, OMG_CONFIDANT)
    page = client.get("/account/password").get_data(as_text=True)
    assert "Agenda-abonnement" in page and "Link maken" in page
    response = client.post("/account/calendar-feed", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.location.endswith("/account/password#agenda-abonnement")
    page = client.get("/account/password").get_data(as_text=True)
    url = re.search(r'id="calendar-feed-url" value="([^"]+)"', page).group(1)
    assert url.startswith("http://127.0.0.1:5000/calendar/") and url.endswith(".ics")
    assert "Nieuwe link maken" in page and "Link intrekken" in page
    assert 'id="calendar-feed-url"' not in client.get("/account/password").get_data(as_text=True), "shown once"
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) == 43 and store.scalar(select(CalendarFeed.token_hash)) == feeds.token_hash(token)

    feed = app.test_client().get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and feed.content_type == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in feed.headers
    assert uids(feed) == {made.north.uid: "CONFIRMED", made.open_session.uid: "CONFIRMED"}
    store.expire_all()
    assert store.scalar(select(CalendarFeed.last_used_at)) is not None


def test_r12_the_feed_holds_the_confidants_sessions_cancelled_ones_marked(app, store, made):
    token = feeds.renew(store, user(store, OMG_CONFIDANT))
    events.cancel(store, made.north)
    store.commit()
    assert uids(app.test_client().get(f"/calendar/{token}.ics")) == {made.north.uid: "CANCELLED",
                                                                     made.open_session.uid: "CONFIRMED"}


def test_a_papsys_feed_holds_what_they_organise_and_the_sessions_of_their_groups(app, store, made):
    token = feeds.renew(store, user(store, AWV_PAPSY))
    store.commit()
    assert uids(app.test_client().get(f"/calendar/{token}.ics")) == {made.south.uid: "CONFIRMED",
                                                                     made.training.uid: "CONFIRMED"}


def test_a_renewed_or_revoked_link_and_an_unknown_one_are_404(app, store, made):
    confidant = user(store, OMG_CONFIDANT)
    old = feeds.renew(store, confidant)
    new = feeds.renew(store, confidant)
    store.commit()
    client = app.test_client()
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    assert client.get(f"/calendar/{'A' * 43}.ics").status_code == 404
    assert client.get("/calendar/kort.ics").status_code == 404
    assert feeds.revoke(store, user(store, OMG_CONFIDANT))
    store.commit()
    assert client.get(f"/calendar/{new}.ics").status_code == 404


def test_a_feed_reaches_back_a_year_and_answers_304_until_something_changes(app, store, made):
    papsy = user(store, AWV_PAPSY)
    long_ago = events.create(store, EventKind.GROUP_SESSION, papsy, at(10, 13, 30, year=2024),
                             at(10, 17, year=2024), group_id=made.south.group_id, place="Brussel")
    token = feeds.renew(store, papsy)
    store.commit()
    client = app.test_client()
    first = client.get(f"/calendar/{token}.ics")
    assert long_ago.uid not in uids(first) and made.south.uid in uids(first)
    again = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")
    south = store.get(NetworkEvent, made.south.id)  # the requests closed the session that loaded ``made``
    assert events.change(store, south, place="Boudewijngebouw")
    store.commit()
    changed = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    south.group.name = "Groep Zuid-West"  # its sessions' titles change with it
    store.commit()
    renamed = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": changed.headers["ETag"]})
    assert renamed.status_code == 200 and "Groep Zuid-West" in renamed.get_data(as_text=True)
