"""Who sees which part of the roster (R14, R15): the published list holds only the active confidants; the full
list with inactive and former confidants is the GDPB's own."""
from __future__ import annotations

from sqlalchemy import select

from app.auth.accounts import create_api_token
from app.db import db
from app.models import Confidant, ConfidantStatus
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, user


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
