"""Review: the roster policy publishes more than the active list (R14)."""
from __future__ import annotations

from sqlalchemy import select

from app.auth.accounts import create_api_token
from app.db import db
from app.models import Confidant, ConfidantStatus
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, user


def test_review_an_inactive_confidant_is_not_shown_to_every_token_holder(app, client):
    """BUG (should fix): policy.can_view_roster lets every signed-in user (and every API token) see the whole
    roster with any ``status`` filter. R14: the *published* list holds the active confidants; 'a confidant who is
    temporarily inactive is not on it'. R15's list of all appointed confidants (with inactive/former, e-mail
    addresses) is the GDPB's own. Here an AWV confidant reads that OMG's confidant is inactive.
    Fails now; passes once the policy separates 'view published roster' (active only) from 'view full roster'
    (admin/PAPSY), and /roster and /api/v1/confidants ask the right one."""
    with app.app_context():
        session = db.session()
        inactive = session.scalar(select(Confidant).where(Confidant.email == OMG_CONFIDANT))
        inactive.status = ConfidantStatus.INACTIVE
        token = create_api_token(session, user(session, AWV_CONFIDANT))
        session.commit()
    db.session.remove()
    response = client.get("/api/v1/confidants?status=inactive", headers={"Authorization": f"Bearer {token}"})
    shown = [c["email"] for c in response.get_json().get("confidants", [])] if response.status_code == 200 else []
    assert OMG_CONFIDANT not in shown
