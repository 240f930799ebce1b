"""Submitted text never reaches the log, also not through Flask's own logging of a failed request."""
from __future__ import annotations

import logging

import pytest

from app.db import db
from tests.conftest import build_app
from tests.helpers import OMG_SECRETARY, csrf_token, login
from tests.small_models import deploy

SECRET = "Vertrouwelijke reden 4711"
END = """<bpmn:endEvent id="done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="done"/>"""


@pytest.fixture
def quiet_app(database_url, redis_url, tmp_path):
    application = build_app(database_url, redis_url, tmp_path, PROPAGATE_EXCEPTIONS=False)
    yield application
    db.session.remove()


def test_submitted_text_never_reaches_the_log(quiet_app, caplog):
    """A script that fails on a submitted value (``int(send_back_reason)``: a ValueError quoting the text) leaves
    that text nowhere in the log records, their messages or their tracebacks."""
    with quiet_app.app_context():
        deploy(db.session(), "review_logs", END, refs="<bpmn:flowNodeRef>done</bpmn:flowNodeRef>",
               ask_extensions="<spiffworkflow:postScript>n = int(send_back_reason)</spiffworkflow:postScript>")
    db.session.remove()
    client = quiet_app.test_client()
    login(client, OMG_SECRETARY)
    token = csrf_token(client.get("/processes/review_logs/start").get_data(as_text=True))
    with caplog.at_level(logging.INFO):
        client.post("/processes/review_logs/start",
                    data={"entity": "OMG", "decision": "send_back", "send_back_reason": SECRET, "csrf_token": token})
    logged = "\n".join(record.getMessage() + (logging.Formatter().formatException(record.exc_info)
                                              if record.exc_info else "") for record in caplog.records)
    assert SECRET not in logged
