"""SpiffWorkflow's do_engine_steps ends with refresh_timers(): a timer falling due between the last step and that
refresh became READY and nobody ran it, while its row was marked fired: the instance waited for ever at its join.
Found by bench/timers.py (a fired timer without its step in history, twice under load); fixed in
app/engine/runner.py::_engine_steps."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.models import HistoryEvent, InstanceStatus, ProcessInstance, Timer, TimerState
from app.workflow import services
from tests.helpers import OMG_SECRETARY, entity, user
from tests.integration.timer_support import deploy_fanout
from workers.jobs import fire_timer

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_a_timer_falling_due_during_the_engine_steps_still_runs_its_branch(session, monkeypatch):
    # Two timers 1 ms apart. The first one's job refreshes the timers (only the first is due), then, while the
    # engine steps run, the clock passes the second one's due time: the trailing refresh_timers() of
    # do_engine_steps makes it READY.
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    due0, due1 = T0 + timedelta(minutes=1), T0 + timedelta(minutes=1, milliseconds=1)
    with time_machine.travel(T0, tick=False) as clock:
        deploy_fanout(session, "close_timers", 2, timer="date")
        instance = services.start_process(session, user(session, OMG_SECRETARY), "close_timers",
                                          entity(session, "OMG"), {"due0": iso(due0), "due1": iso(due1)})
        session.commit()
        instance_id = instance.id
        first = session.scalar(select(Timer.id).where(Timer.spec_name == "wait0"))
        clock.move_to(due0 + timedelta(microseconds=100))
        original = BpmnWorkflow.refresh_timers
        calls = []

        def refresh_then_time_passes(workflow):
            calls.append(1)
            if len(calls) == 2:  # the trailing refresh of do_engine_steps, after its last step
                clock.move_to(due1 + timedelta(microseconds=100))
            original(workflow)

        monkeypatch.setattr(BpmnWorkflow, "refresh_timers", refresh_then_time_passes)
        assert fire_timer(first) == "fired"
        assert len(calls) >= 2, "our refresh and do_engine_steps' own trailing one"
        monkeypatch.setattr(BpmnWorkflow, "refresh_timers", original)
        session.expire_all()
        for timer_id in session.scalars(select(Timer.id).where(Timer.state == TimerState.PENDING)):
            fire_timer(timer_id)
    session.expire_all()
    steps = set(session.scalars(select(HistoryEvent.step).where(HistoryEvent.instance_id == instance_id,
                                                                HistoryEvent.kind == "automatic")))
    assert steps == {"Na termijn 0", "Na termijn 1"}, "a timer marked fired whose branch never ran"
    assert session.get(ProcessInstance, instance_id).status == InstanceStatus.COMPLETED
