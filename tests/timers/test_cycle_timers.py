"""A cycle timer: each tick that fired is recorded as fired, and the next tick waits as a row of its own."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.models import Timer, TimerState
from app.workflow import services
from tests.helpers import OMG_SECRETARY, entity, user
from tests.small_models import deploy

# 'hold' waits for a person; a non-interrupting cycle timer on it ticks three times.
CYCLE = """
    <bpmn:userTask id="hold" name="Wachten">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="appointment_review.schema.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="tick" name="Herinnering" attachedToRef="hold" cancelActivity="false">
      <bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeCycle>"R3/PT10S"</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="done"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="ticked"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="hold"/>
    <bpmn:sequenceFlow id="f3" sourceRef="hold" targetRef="done"/>
    <bpmn:sequenceFlow id="f4" sourceRef="tick" targetRef="ticked"/>"""
REFS = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ("hold", "tick", "done", "ticked"))


@pytest.fixture
def dispatch_factory(recorder):
    return recorder.connect


def test_a_fired_cycle_timer_row_ends_fired_not_cancelled(session, recorder):
    """When a tick of a non-interrupting cycle timer fires, its row ends FIRED (not CANCELLED), the job says
    'fired', and the next tick is a row of its own, handed to the workers."""
    from workers.jobs import fire_timer

    deploy(session, "review_cycle", CYCLE, refs=REFS)
    instance = services.start_process(session, user(session, OMG_SECRETARY), "review_cycle",
                                      entity(session, "OMG"), {"decision": "approve"})
    session.commit()
    first = session.scalar(select(Timer).where(Timer.instance_id == instance.id))
    assert first is not None and first.state == TimerState.PENDING
    first_id, due = first.id, first.due_at
    session.close()

    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        result = fire_timer(first_id)

    rows = {t.id: t for t in session.scalars(select(Timer).where(Timer.instance_id == instance.id))}
    assert len(rows) == 2, "the next cycle is scheduled as a new row"
    fired = rows[first_id]
    assert (fired.state, result) == (TimerState.FIRED, "fired"), (fired.state, result, fired.fired_at)
    [following] = [row for row in rows.values() if row.id != first_id]
    assert [timer_id for timer_id, _ in recorder.scheduled] == [first_id, following.id], recorder.scheduled
