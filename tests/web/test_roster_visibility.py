"""Who sees which part of the roster (R14, R15): the published list holds only the active confidants; the full
list with inactive and former confidants is the GDPB's own."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.accounts import create_api_token
from app.db import db
from app.models import Confidant, ConfidantStatus
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, OMG_PAPSY, login, user, visible_text


def test_an_inactive_confidant_is_not_shown_to_every_token_holder(app, client):
    """A confidant of another entity asking for the inactive confidants is refused (403, with the reason), and
    the published list she may read does not show OMG's inactive confidant."""
    with app.app_context():
        session = db.session()
        inactive = session.scalar(select(Confidant).where(Confidant.email == OMG_CONFIDANT))
        inactive.status = ConfidantStatus.INACTIVE
        token = create_api_token(session, user(session, AWV_CONFIDANT))
        session.commit()
    db.session.remove()
    headers = {"Authorization": f"Bearer {token}"}
    refused = client.get("/api/v1/confidants?status=inactive", headers=headers)
    assert refused.status_code == 403 and "Alleen de GDPB" in refused.get_json()["error"]
    published = client.get("/api/v1/confidants", headers=headers)
    assert published.status_code == 200
    shown = [c["email"] for c in published.get_json()["confidants"]]
    assert AWV_CONFIDANT in shown and OMG_CONFIDANT not in shown


@pytest.mark.parametrize("query, status, words", [
    ("status=sleeping", 422, "Onbekende status"),
    ("entity=XYZ", 422, "Onbekende entiteit"),
    ("status=former", 403, "Alleen de GDPB"),
], ids=["unknown status", "unknown entity", "status not for a confidant"])
def test_the_roster_page_and_the_api_refuse_a_bad_filter_alike(app, client, query, status, words):
    """Issue 9: the page fell back to the active list without a word where the API refused; now one service
    (roster.services.visible_roster) refuses for both, with the same reason, and shows no list."""
    with app.app_context():
        token = create_api_token(db.session(), user(db.session(), AWV_CONFIDANT))
        db.session.commit()
    db.session.remove()
    login(client, AWV_CONFIDANT)
    page = client.get(f"/roster/?{query}")
    assert page.status_code == status and words in visible_text(page.get_data(as_text=True))
    assert AWV_CONFIDANT not in page.get_data(as_text=True), "no list that does not answer the question"
    api = client.get(f"/api/v1/confidants?{query}", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == status and words in str(api.get_json())


def test_the_gdpb_lists_former_confidants_on_the_page_and_in_the_api(app, client):
    with app.app_context():
        session = db.session()
        session.scalar(select(Confidant).where(Confidant.email == OMG_CONFIDANT)).status = ConfidantStatus.FORMER
        token = create_api_token(session, user(session, OMG_PAPSY))
        session.commit()
    db.session.remove()
    login(client, OMG_PAPSY)
    page = client.get("/roster/?status=former&entity=OMG").get_data(as_text=True)
    assert OMG_CONFIDANT in page and AWV_CONFIDANT not in page and "voormalig" in visible_text(page)
    api = client.get("/api/v1/confidants?status=former&entity=OMG", headers={"Authorization": f"Bearer {token}"})
    assert [c["email"] for c in api.get_json()["confidants"]] == [OMG_CONFIDANT]


@pytest.mark.parametrize("path", ["/roster/", "/instances", "/dossiers"])
def test_clearing_the_filters_is_offered_only_once_a_filter_is_chosen(client, path):
    """"Alle filters wissen" on a list nobody filtered leads nowhere; once the URL holds a choice it clears it."""
    login(client, OMG_CONFIDANT)
    assert "Alle filters wissen" not in visible_text(client.get(path).get_data(as_text=True))
    chosen = client.get(f"{path}?status=active" if path == "/roster/" else f"{path}?status=closed"
                        if path == "/dossiers" else f"{path}?status=running")
    assert chosen.status_code == 200 and "Alle filters wissen" in visible_text(chosen.get_data(as_text=True))
