"""Who may be appointed as a confidant (R1, R10): refusals at submission, and candidates whose data must still
carry the approval."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.engine.errors import InvalidData
from app.models import Confidant, ProcessInstance
from app.workflow import services
from tests.api_client import Api
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, OMG_SECRETARY, appointment_data, entity, user


def test_r1_appointing_a_confidant_of_another_entity_is_refused_at_submission(session):
    """R1: a confidant serves their own entity. A candidate whose account belongs to another entity is refused
    when the EOC secretary submits, with the reason at the e-mail field; nothing is started, and neither the
    account nor the other entity's roster entry changes."""
    omg = entity(session, "OMG")
    existing = user(session, AWV_CONFIDANT)
    with pytest.raises(InvalidData) as refused:
        services.start_process(session, user(session, OMG_SECRETARY), "appointment", omg,
                               appointment_data(candidate_email=AWV_CONFIDANT, candidate_name="Els De Smet"))
    session.rollback()
    assert "andere entiteit" in str(refused.value.errors["candidate_email"])
    confidant = session.scalar(select(Confidant).where(Confidant.user_id == existing.id))
    assert confidant.entity.code == "AWV" and existing.entity.code == "AWV"
    assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_r10_an_active_confidant_is_not_appointed_twice(session):
    """R10: a candidate who is already an active confidant is refused at submission, at the e-mail field."""
    with pytest.raises(InvalidData) as refused:
        services.start_process(session, user(session, OMG_SECRETARY), "appointment", entity(session, "OMG"),
                               appointment_data(candidate_email=OMG_CONFIDANT, candidate_name="Sofie Claes"))
    assert "al als actieve vertrouwenspersoon" in str(refused.value.errors["candidate_email"])


@pytest.mark.postgres
def test_pg_an_email_that_grows_when_lowercased_does_not_block_the_approval(pg_app):
    """A candidate e-mail of the maximum length that grows when lowercased ('\u0130'.lower() is two characters)
    is refused at the start or approved; the approval never fails on PostgreSQL's column length."""
    api = Api(pg_app)
    started = api.start(candidate_email="\u0130" * 250 + "@x.b")
    if started.status_code == 422:
        return
    task_id = started.get_json()["open_tasks"][0]["id"]
    assert api.complete(task_id, {"decision": "approve"}, api.papsy).status_code == 200
