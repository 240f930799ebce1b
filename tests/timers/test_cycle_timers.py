"""Review: the timer job and the projection disagree about a fired cycle timer."""
from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from app.clock import now
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


def test_review_a_fired_cycle_timer_row_ends_cancelled_not_fired(session, monkeypatch):
    """BUG (should fix): workers/jobs.fire_timer keeps the Timer ORM object PENDING when the cycle task is
    still WAITING (``_still_waiting``), while runner.save -> projection.sync_timers cancels the same row with a
    Core UPDATE (its (task, due) key is gone from the workflow). The ORM object is stale, the final row says
    CANCELLED with fired_at NULL although the timer fired, and fire_timer returns 'pending'.

    Fails now; passes once the job marks the row FIRED whenever its (task, due) fired (e.g. compare the
    key with the new waiting timers, or let sync_timers mark FIRED rather than CANCELLED for keys whose
    due time has passed) and the job re-reads or expires the row after the Core statements.
    """
    import workers.scheduling
    from workers.jobs import fire_timer

    monkeypatch.setattr(workers.scheduling, "schedule_timers", lambda timers: None)
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
