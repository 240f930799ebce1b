"""R9: delicate cases involve the PAPSY. bpmn/delicate.dmn decides, bpmn/delicate_case.bpmn runs, with the
clock moved for the 2 working days; timers fire through the real job function, mails land in the outbox."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from app.auth import policy
from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import escalation, summary_sharing
from app.dossiers import services as dossiers
from app.dossiers.services import DossierRefused, NotYours
from app.engine.errors import InvalidData
from app.models import OutboxMessage, ProcessInstance
from app.models.dossiers import EscalationState
from app.workflow import services as workflow
from app.workflow.inbox import InboxQuery, inbox_page
from tests.helpers import AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, fire_due, ready_task, user

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)  # a Friday
# 2 working days: Monday 30 November and Tuesday 1 December, to 23:59:59 Brussels (+01:00); a day later for all.
DUE = datetime(2026, 12, 1, 22, 59, 59, tzinfo=timezone.utc)
OPEN_TO_ALL = datetime(2026, 12, 2, 22, 59, 59, tzinfo=timezone.utc)
SUMMARY = "Samenvatting-kanarie: verzoekster meldt ongewenst gedrag door een collega"


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(session, clock):
    keys = {email: user_keys.create_for(session, user(session, email), DEMO_PASSWORD)
            for email in (OMG_CONFIDANT, OMG_PAPSY, AWV_PAPSY)}
    session.commit()
    return keys


def facts(**overrides) -> dict:
    data = {"opened_on": date(2026, 11, 26), "requester": "A.B.", "themes": ["sexual_harassment"],
            "persons": ["colleague"], "interventions": ["listening"], "note": "Eerste gesprek."}
    data.update(overrides)
    return data


@pytest.mark.parametrize(("themes", "persons", "reasons"), [
    (["sexual_harassment"], ["colleague"], ["sexual_harassment"]),
    (["conflict"], ["department_head"], ["senior_management"]),
    (["stress"], ["leading_official", "group"], ["group", "senior_management"]),
    (["bullying"], ["group"], ["group"]),
    (["stress", "bullying", "violence"], ["colleague", "direct_manager", "third_party"], []),
])
def test_r9_the_decision_table_says_which_cases_are_delicate(session, themes, persons, reasons):
    assert escalation.reasons_for(session, themes, persons) == reasons


def test_r9_an_ordinary_dossier_starts_no_escalation(session, people):
    me = user(session, OMG_CONFIDANT)
    dossier = dossiers.register(session, me, facts(themes=["stress"]))
    assert (dossier.delicate, dossier.escalation_instance_id) == (False, None)
    assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_r9_a_delicate_dossier_goes_to_the_papsy_who_sees_only_the_summary(session, people, clock):
    me, papsy = user(session, OMG_CONFIDANT), user(session, OMG_PAPSY)
    dossier = dossiers.register(session, me, facts())
    session.commit()
    assert dossier.delicate and dossier.escalation_state == EscalationState.SUMMARY_PENDING
    write = ready_task(session, "write_summary")
    assert (write.assignee_id, write.lane) == (me.id, "confidant")
    with pytest.raises(DossierRefused, match="PAPSY"):
        dossiers.close(session, me, dossier.id, date(2026, 11, 27), "resolved")
    session.rollback()

    escalation.write_summary(session, me, session.get(type(dossier), dossier.id), SUMMARY)
    session.commit()
    take_up = ready_task(session, "take_up")
    assert (take_up.lane, take_up.due_at, take_up.open_to_lane_at) == ("papsy", DUE, OPEN_TO_ALL)
    assert policy.can_complete(papsy, take_up) and not policy.can_complete(user(session, AWV_PAPSY), take_up)
    assert escalation.read_summary(session, papsy, dossier.id, people[OMG_PAPSY]) == SUMMARY
    with pytest.raises(NotYours):
        dossiers.read(session, papsy, dossier.id, people[OMG_PAPSY])
    state = session.scalar(select(ProcessInstance.state_json).where(ProcessInstance.id == take_up.instance_id))
    assert "kanarie" not in str(state).lower() and "A.B." not in str(state), "no confidential text in workflow data"

    workflow.complete_task(session, papsy, take_up.id, {"consulted_on": "2026-11-27", "advice": "formal_procedure"})
    session.commit()
    session.expire_all()
    assert session.get(type(dossier), dossier.id).escalation_state == EscalationState.CONSULTED
    closed = dossiers.close(session, user(session, OMG_CONFIDANT), dossier.id, date(2026, 11, 27), "referred_formal")
    assert closed.closed_on == date(2026, 11, 27)


def test_r9_the_summary_task_cannot_be_completed_without_a_summary(session, people):
    me = user(session, OMG_CONFIDANT)
    dossiers.register(session, me, facts(persons=["group"]))
    session.commit()
    with pytest.raises(InvalidData) as refused:
        workflow.complete_task(session, me, ready_task(session, "write_summary").id, {"summary_written": True})
    assert "summary" in refused.value.errors
    assert ready_task(session, "take_up") is None


def test_r9_late_the_papsy_is_reminded_then_the_other_papsy_gets_the_task(session, people, clock):
    me = user(session, OMG_CONFIDANT)
    dossier = dossiers.register(session, me, facts(persons=["department_head"], themes=["conflict"]))
    session.commit()
    escalation.write_summary(session, me, dossier, SUMMARY)
    session.commit()
    dossier_id, dossier_type = dossier.id, type(dossier)  # firing a timer ends the thread's session and its objects

    def mails(kind: str) -> list[str]:
        session.expire_all()
        return [m.to_address for m in session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))]

    fire_due(session, clock, datetime(2026, 12, 1, 22, 0, tzinfo=timezone.utc))
    assert mails("delicate_reminder") == []
    fire_due(session, clock, datetime(2026, 12, 1, 23, 0, 1, tzinfo=timezone.utc))
    assert mails("delicate_reminder") == [OMG_PAPSY] and mails("delicate_offered") == []
    other = user(session, AWV_PAPSY)
    take_up = ready_task(session, "take_up")
    assert not policy.can_complete(other, take_up), "not yet: only the entity's PAPSY during the extra day"
    fire_due(session, clock, datetime(2026, 12, 2, 23, 0, 1, tzinfo=timezone.utc))
    assert mails("delicate_offered") == [AWV_PAPSY]
    take_up = ready_task(session, "take_up")
    assert policy.can_complete(other, take_up)
    assert take_up.id in {task.id for task in inbox_page(session, other, InboxQuery()).tasks}
    # The summary was sealed for the entity's PAPSY only: the other PAPSY reads it once she took the case up and
    # the confidant's key wrapped it for her (tests/dossiers/test_summary_sharing.py: through the web).
    assert escalation.read_summary(session, other, dossier_id, people[AWV_PAPSY]) is None
    summary_sharing.take_up(session, other, take_up.id)
    assert summary_sharing.share_pending(session, user(session, OMG_CONFIDANT), people[OMG_CONFIDANT]) == [other]
    assert escalation.read_summary(session, other, dossier_id, people[AWV_PAPSY]) == SUMMARY
    workflow.complete_task(session, other, take_up.id, {"consulted_on": "2026-12-03", "advice": "papsy_takes_over"})
    session.commit()
    session.expire_all()
    assert session.get(dossier_type, dossier_id).escalation_state == EscalationState.CONSULTED
    for body in session.scalars(select(OutboxMessage.body)):
        assert "kanarie" not in body.lower(), "a mail never carries dossier content"


def test_f2_no_summary_is_sealed_for_a_papsy_whose_password_an_admin_reset(session, people):
    from app.auth.accounts import reset_password
    from app.models import SummaryKey

    reset_password(session, user(session, AWV_PAPSY), "tijdelijk-van-de-beheerder-1")
    reset_password(session, user(session, OMG_PAPSY), "tijdelijk-van-de-beheerder-1")
    session.commit()
    dossier = dossiers.register(session, user(session, OMG_CONFIDANT), facts())
    with pytest.raises(InvalidData) as refused:
        escalation.write_summary(session, user(session, OMG_CONFIDANT), dossier, SUMMARY)
    assert "PAPSY" in refused.value.errors["summary"]
    assert session.scalar(select(func.count()).select_from(SummaryKey).where(SummaryKey.reader == "papsy")) == 0
