"""A deactivated account works no longer, also not in a session opened before the deactivation."""
from __future__ import annotations

from app.db import db
from tests.helpers import OMG_SECRETARY, login, user


def test_a_deactivated_user_is_logged_out_on_the_next_request(app, client):
    """A user an admin deactivates is sent to the login page at the next request of an open session."""
    login(client, OMG_SECRETARY)
    assert client.get("/inbox").status_code == 200
    with app.app_context():
        session = db.session()
        user(session, OMG_SECRETARY).active = False
        session.commit()
    db.session.remove()
    assert client.get("/inbox").status_code == 302
