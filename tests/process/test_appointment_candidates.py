"""Review: approving an appointment for a person who already has an account elsewhere."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.engine.errors import InvalidData
from app.models import Confidant, ProcessInstance
from app.workflow import services
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
    with pytest.raises(InvalidData) as refused:
        services.start_process(session, user(session, OMG_SECRETARY), "appointment", entity(session, "OMG"),
                               appointment_data(candidate_email=OMG_CONFIDANT, candidate_name="Sofie Claes"))
    assert "al als actieve vertrouwenspersoon" in str(refused.value.errors["candidate_email"])
