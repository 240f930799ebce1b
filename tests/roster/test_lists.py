"""The lists of confidants: the published list of the active ones (R14) on a public page and in the intranet's feeds
(JSON, CSV, with ETag and Last-Modified), and the list of all appointed ones (R15) for the GDPB, with its export.

The demo's four confidants: Sofie Claes and Koen Maes (OMG), Els De Smet and Tom Peeters (AWV), all active. A status
changes here as the inactivity and resignation processes change it (they set ``Confidant.status``; this area only
reads it), on a clock moved forward so that each change is a later second."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.auth.accounts import create_api_token
from app.clock import now
from app.db import db
from app.models import Confidant, ConfidantStatus, InactivityPeriod
from app.ui import local_today
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, OMG_PAPSY, login, post_form, user, visible_text

FEED, FEED_CSV, PAGE = "/api/v1/public/confidants", "/api/v1/public/confidants.csv", "/vertrouwenspersonen"
SOFIE, KOEN, ELS = "Sofie Claes", "Koen Maes", "Els De Smet"
PUBLISHED_FIELDS = {"name", "entity", "entity_name", "email", "phone", "work_location"}


@pytest.fixture
def later(time_machine):
    """Move the clock forward a minute at a time: each change is later than the one before."""
    moment = [now()]

    def step() -> None:
        moment[0] += timedelta(minutes=1)
        time_machine.move_to(moment[0], tick=False)
    step()
    return step


def change(app, email: str, **values) -> None:
    """What another process does to a confidant's row (becoming inactive, returning, leaving, new details)."""
    with app.app_context():
        session = db.session()
        confidant = session.scalar(select(Confidant).where(Confidant.email == email))
        for name, value in values.items():
            setattr(confidant, name, value)
        session.commit()
    db.session.remove()


def names(response) -> list[str]:
    return [row["name"] for row in response.get_json()["confidants"]]


def csv_rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff"), "Excel reads UTF-8 only after a byte order mark"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_r14_an_inactive_confidant_is_not_on_the_published_list_and_the_etag_changes(app, client, later):
    before = client.get(FEED)
    assert before.status_code == 200 and names(before) == [ELS, "Tom Peeters", KOEN, SOFIE]  # by entity name
    assert before.headers["Access-Control-Allow-Origin"] == "*" and "Set-Cookie" not in before.headers
    later()
    change(app, OMG_CONFIDANT, status=ConfidantStatus.INACTIVE)
    after = client.get(FEED, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and SOFIE not in names(after)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.last_modified > before.last_modified, "leaving the list moves its last change"
    page = visible_text(client.get(PAGE).get_data(as_text=True))
    assert KOEN in page and SOFIE not in page
    assert SOFIE not in client.get(FEED_CSV).get_data(as_text=True)
    later()
    change(app, OMG_CONFIDANT, status=ConfidantStatus.ACTIVE)  # back at the end of the period
    back = client.get(FEED, headers={"If-None-Match": after.headers["ETag"]})
    assert back.status_code == 200 and names(back) == names(before) and back.headers["ETag"] != after.headers["ETag"]


def test_r14_a_former_confidant_is_never_published(app, client, later):
    later()
    change(app, OMG_CONFIDANT, status=ConfidantStatus.FORMER, ended_on=local_today(), phone="02 553 01 23")
    feed = client.get(f"{FEED}?entity=OMG").get_json()
    assert [row["name"] for row in feed["confidants"]] == [KOEN]
    assert all(set(row) == PUBLISHED_FIELDS for row in feed["confidants"]), "nothing beyond the published fields"
    assert feed["entity"] == "OMG" and feed["updated_at"].endswith("Z")
    for url in (PAGE, f"{PAGE}?entity=OMG", FEED_CSV, f"{FEED_CSV}?entity=OMG"):
        body = client.get(url).get_data(as_text=True)
        assert SOFIE not in body and "553 01 23" not in body, url


def test_r14_304_when_unchanged(app, client, later):
    first = client.get(FEED_CSV)
    etag, since = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert first.headers["Content-Disposition"] == 'attachment; filename="vertrouwenspersonen.csv"'
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": since}):
        again = client.get(FEED_CSV, headers=headers)
        assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 200, "another body, another ETag"
    preflight = client.options(FEED, headers={"Origin": "https://intranet.example",
                                              "Access-Control-Request-Method": "GET",
                                              "Access-Control-Request-Headers": "if-none-match"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    later()
    change(app, AWV_CONFIDANT, work_location="Brussel")
    changed = client.get(FEED_CSV, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Brussel" in changed.get_data(as_text=True)
    assert client.get(FEED_CSV, headers={"If-Modified-Since": since}).status_code == 200


def test_the_published_csv_opens_in_columns_and_runs_no_formula(app, client, later):
    later()
    change(app, AWV_CONFIDANT, phone="+32 475 12 34 56", work_location="=HYPERLINK(\"http://x\";\"klik\")")
    rows = csv_rows(client.get(f"{FEED_CSV}?entity=AWV"))
    assert rows[0] == ["Naam", "Entiteit", "Code entiteit", "E-mail", "Telefoon", "Werkplaats"]
    assert rows[1] == [ELS, "Agentschap Wegen en Verkeer", "AWV", AWV_CONFIDANT, "+32 475 12 34 56",
                       "'=HYPERLINK(\"http://x\";\"klik\")"]
    assert len(rows) == 3


def test_r15_full_list_with_periods_and_end_dates(app, client, later):
    later()
    today = local_today()
    with app.app_context():
        session = db.session()
        sofie = session.scalar(select(Confidant).where(Confidant.email == OMG_CONFIDANT))
        sofie.status = ConfidantStatus.INACTIVE
        session.add(InactivityPeriod(confidant_id=sofie.id, starts_on=today, ends_on=today + timedelta(days=60)))
        session.add(InactivityPeriod(confidant_id=sofie.id, starts_on=today - timedelta(days=90),  # over already
                                     ends_on=today - timedelta(days=30), ended_on=today - timedelta(days=30)))
        koen = session.scalar(select(Confidant).where(Confidant.name == KOEN))
        koen.status, koen.ended_on = ConfidantStatus.FORMER, date(2026, 11, 30)
        token = create_api_token(session, user(session, OMG_PAPSY))
        session.commit()
    db.session.remove()
    login(client, OMG_PAPSY)
    page = visible_text(client.get("/roster/?status=all&entity=OMG").get_data(as_text=True))
    period = f"van {today.day} "
    assert "tijdelijk inactief" in page and period in page and "rol beëindigd op 30 nov. 2026" in page
    api = client.get("/api/v1/confidants?status=all&entity=OMG", headers={"Authorization": f"Bearer {token}"})
    shown = {row["name"]: row for row in api.get_json()["confidants"]}
    assert shown[SOFIE]["inactive_from"] == today.isoformat()
    assert shown[SOFIE]["inactive_until"] == (today + timedelta(days=60)).isoformat()
    assert (shown[KOEN]["status"], shown[KOEN]["ended_on"], shown[KOEN]["inactive_from"],
            shown[KOEN]["training_status"]) == ("former", "2026-11-30", None, "not_applicable")
    assert (shown[SOFIE]["training_status"], shown[SOFIE]["training_date"]) == ("certified", "2024-05-13")
    rows = csv_rows(client.get("/roster/export.csv?status=all&entity=OMG"))
    assert rows[0][-3:] == ["Inactief van", "Inactief tot", "Rol beëindigd op"]
    assert [(row[0], row[6], row[-3], row[-1]) for row in rows[1:]] == [
        (KOEN, "voormalig", "", "2026-11-30"), (SOFIE, "tijdelijk inactief", today.isoformat(), "")]


def test_the_list_of_all_appointed_is_the_gdpb_s(app, client):
    """Outside the GDPB "all" is refused as the inactive and former ones are: never narrowed without a word."""
    with app.app_context():
        token = create_api_token(db.session(), user(db.session(), AWV_CONFIDANT))
        db.session.commit()
    db.session.remove()
    refused = client.get("/api/v1/confidants?status=all", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403 and "Alleen de GDPB" in refused.get_json()["error"]
    login(client, AWV_CONFIDANT)
    assert client.get("/roster/export.csv?status=all").status_code == 403
    rows = csv_rows(client.get("/roster/export.csv"))
    assert rows[0][-1] == "Basisopleiding" and len(rows) == 5, "the active list, without the GDPB's columns"


@pytest.mark.parametrize("url, status, words", [
    (f"{PAGE}?entity=XYZ", 422, "Onbekende entiteit"),
    (f"{PAGE}?entity=O%00MG", 422, "Onbekende entiteit"),
    (f"{FEED}?entity=XYZ", 422, "Onbekende entiteit"),
    (f"{FEED_CSV}?entity=XYZ", 422, "Onbekende entiteit"),
    (f"{PAGE}?lang=xx&entity=", 200, "Vertrouwenspersonen van de Vlaamse overheid"),
], ids=["page", "page with a NUL", "json", "csv", "unknown language"])
def test_bad_input_on_the_public_list_is_said_and_lists_nothing(client, url, status, words):
    response = client.get(url)
    body = response.get_data(as_text=True)
    assert response.status_code == status and words in (str(response.get_json()) if response.is_json else body)
    assert (SOFIE in body) == (status == 200)
    assert "Set-Cookie" not in response.headers, "a public page makes no session"


def test_the_public_page_in_english_without_a_cookie(client):
    page = client.get(f"{PAGE}?lang=en&entity=OMG")
    text = visible_text(page.get_data(as_text=True))
    assert page.status_code == 200 and '<html lang="en">' in page.get_data(as_text=True)
    assert "Confidants of the Flemish government" in text and SOFIE in text and ELS not in text
    assert "Nederlands" in text and "Mijn taken" not in text and "Set-Cookie" not in page.headers


def test_a_confidant_keeps_their_published_details(app, client, later):
    login(client, OMG_CONFIDANT)
    before = client.get(FEED)
    refused = post_form(client, "/roster/mine", {"phone": "bel me maar", "work_location": "Gent"})
    assert refused.status_code == 422
    assert "Een telefoonnummer bestaat uit cijfers" in visible_text(refused.get_data(as_text=True))
    assert client.get(FEED, headers={"If-None-Match": before.headers["ETag"]}).status_code == 304, "nothing kept"
    later()
    saved = post_form(client, "/roster/mine", {"phone": " +32 (0)2 553  01 23 ",
                                               "work_location": "Koning Albert II-laan 35, Brussel"})
    assert saved.status_code == 303
    shown = {row["name"]: row for row in client.get(FEED).get_json()["confidants"]}[SOFIE]
    assert (shown["phone"], shown["work_location"]) == ("+32 (0)2 553 01 23", "Koning Albert II-laan 35, Brussel")
    assert 'href="tel:+3225530123"' in client.get(f"{PAGE}?entity=OMG").get_data(as_text=True)
    too_long = post_form(client, "/roster/mine", {"phone": "", "work_location": "x" * 201})
    assert too_long.status_code == 422 and "hoogstens 200 tekens" in visible_text(too_long.get_data(as_text=True))
