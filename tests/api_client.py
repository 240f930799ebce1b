"""A small client of the JSON API for tests: bearer tokens of the demo people, start and complete as JSON text."""
from __future__ import annotations

import json

from app.auth.accounts import create_api_token
from app.db import db
from tests.helpers import OMG_PAPSY, OMG_SECRETARY, appointment_data, user


def bearer(app, email: str) -> dict:
    """The Authorization header of a fresh API token of ``email``."""
    with app.app_context():
        session = db.session()
        token = create_api_token(session, user(session, email))
        session.commit()
    db.session.remove()
    return {"Authorization": f"Bearer {token}"}


class Api:
    """The API as OMG's EOC secretary (who starts appointments) and OMG's PAPSY (who reviews them) call it."""

    def __init__(self, app):
        self.client = app.test_client()
        self.secretary, self.papsy = bearer(app, OMG_SECRETARY), bearer(app, OMG_PAPSY)

    def post(self, url: str, body, headers: dict):
        """``body`` as JSON text (ensure_ascii: a lone surrogate travels as its escape)."""
        return self.client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)

    def start(self, **overrides):
        return self.post("/api/v1/process-instances",
                         {"model": "appointment", "entity": "OMG", "data": appointment_data(**overrides)},
                         self.secretary)

    def complete(self, task_id: int, data: dict, headers: dict):
        return self.post(f"/api/v1/tasks/{task_id}/complete", {"data": data}, headers)
