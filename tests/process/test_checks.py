"""The checks before a deploy (issue 10): app/modeling/checks.py check_submission answers a report of problems (each
naming its element), warnings and scenario results, and changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.config import PROJECT_ROOT
from app.engine.errors import InvalidData, NotAllowed
from app.models import ProcessModelVersion
from app.modeling.checks import check_submission
from tests.helpers import ADMIN, OMG_SECRETARY, user

APPOINTMENT = (PROJECT_ROOT / "bpmn" / "appointment.bpmn").read_text()


def check(session, bpmn: str = APPOINTMENT, key: str = "appointment", **body):
    return check_submission(session, user(session, ADMIN), key, {"bpmn": bpmn, **body})


def test_the_shipped_appointment_model_passes_its_checks_and_nothing_is_stored(session):
    before = session.scalar(select(func.count()).select_from(ProcessModelVersion))
    report = check(session)
    assert report.ok and report.as_json()["errors"] == []
    assert session.scalar(select(func.count()).select_from(ProcessModelVersion)) == before


def test_an_unknown_lane_is_an_error_naming_the_task(session):
    broken = APPOINTMENT.replace('<bpmn:lane id="lane_papsy" name="papsy">', '<bpmn:lane id="lane_papsy" name="baas">')
    report = check(session, broken)
    assert not report.ok
    assert "review_appointment" in {error["element"] for error in report.as_json()["errors"]}


def test_only_an_admin_checks_and_a_malformed_body_is_invalid_data(session):
    with pytest.raises(NotAllowed):
        check_submission(session, user(session, OMG_SECRETARY), "appointment", {"bpmn": APPOINTMENT})
    with pytest.raises(InvalidData):
        check_submission(session, user(session, ADMIN), "appointment", {"bpmn": 7})
