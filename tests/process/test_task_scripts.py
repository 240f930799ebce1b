"""Scripts that run while a human task completes (its postScript, the next preScript) run in the sandbox."""
from __future__ import annotations

import os

import pytest

from app.engine.errors import EngineError
from app.models import ProcessInstance
from app.workflow import services
from tests.helpers import OMG_SECRETARY, entity, user
from tests.small_models import deploy

POST_SCRIPT = """<spiffworkflow:postScript>e = eval
leak = e("__import__('os').getpid()")</spiffworkflow:postScript>"""
END = """<bpmn:endEvent id="done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="done"/>"""


def test_review_post_script_of_a_user_task_runs_outside_the_sandbox(session):
    """A user task's postScript runs in the sandbox: one that passes the deploy check (``e = eval``) and then
    calls ``__import__('os')`` never gets to run it."""
    deploy(session, "review_postscript", END, refs="<bpmn:flowNodeRef>done</bpmn:flowNodeRef>",
           ask_extensions=POST_SCRIPT)
    secretary = user(session, OMG_SECRETARY)
    leaked = None
    try:
        instance = services.start_process(session, secretary, "review_postscript", entity(session, "OMG"),
                                          {"decision": "approve"})
        session.flush()
        from app.engine.runner import load as load_workflow
        workflow = load_workflow(session.get(ProcessInstance, instance.id))
        leaked = workflow.data.get("leak") or next(
            (t.data.get("leak") for t in workflow.get_tasks() if "leak" in t.data), None)
    except EngineError:
        pass  # refused: what the sandbox should do
    finally:
        session.rollback()
    assert leaked != os.getpid(), "a BPMN postScript imported os and ran it, outside the sandbox"


def test_review_a_failing_post_script_is_process_failed_not_a_raw_exception(session):
    """A postScript that fails ends in the engine's own error (ProcessFailed, an EngineError), not in
    SpiffWorkflow's raw exception (a 500 whose text would reach the log)."""
    deploy(session, "review_postscript_error", END, refs="<bpmn:flowNodeRef>done</bpmn:flowNodeRef>",
           ask_extensions="<spiffworkflow:postScript>x = no_such_name</spiffworkflow:postScript>")
    try:
        with pytest.raises(EngineError):
            services.start_process(session, user(session, OMG_SECRETARY), "review_postscript_error",
                                   entity(session, "OMG"), {"decision": "approve"})
    finally:
        session.rollback()
