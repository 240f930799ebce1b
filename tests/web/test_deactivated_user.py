"""Review: authentication gaps."""
from __future__ import annotations

from app.db import db
from tests.helpers import OMG_SECRETARY, login, user


def test_review_a_deactivated_user_is_logged_out_on_the_next_request(app, client):
    """BUG (should fix): extensions.load_user returns the user whatever ``active`` says, and flask-login only
    checks is_active at login_user(). A user deactivated by an admin keeps working until the idle timeout
    (the API does check ``active`` for tokens). Fails now (200); passes once load_user returns None for an
    inactive user (then /inbox redirects to the login page)."""
    login(client, OMG_SECRETARY)
    assert client.get("/inbox").status_code == 200
    with app.app_context():
        session = db.session()
        user(session, OMG_SECRETARY).active = False
        session.commit()
    db.session.remove()
    assert client.get("/inbox").status_code == 302
