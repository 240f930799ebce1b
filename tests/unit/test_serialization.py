"""Review: dump_state drops what SpiffWorkflow's own JSON encoder handles."""
from __future__ import annotations

from app.engine.errors import EngineError
from app.engine.runner import load as load_workflow
from app.models import ProcessInstance
from app.workflow import services
from tests.helpers import OMG_SECRETARY, entity, user
from tests.small_models import deploy

SCRIPT = """
    <bpmn:scriptTask id="calc" name="Rekenen">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>kinds = set(["a", "b", "a"])</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="done"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="calc"/>
    <bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="done"/>"""


def test_review_a_set_in_task_data_is_saved_as_a_list(session):
    """BUG (should fix): serialization.dump_state builds the dict with the converter and dumps it with orjson,
    falling back to json.dumps, but without SpiffWorkflow's SpiffEncoder (sets -> lists, callables/modules ->
    None) and without ``registry._encoder_mode``. A sandboxed script may build a set (``set`` is an allowed
    builtin); runner.save then raises TypeError *outside* run_engine's error handling: a raw 500, and every
    later attempt fails the same way. (orjson also silently turns date into str, NaN into null and int keys
    into str keys, so data changes type between two steps.)
    Fails now (TypeError); passes once dump_state uses the same default() as SERIALIZER._encoder_cls (orjson
    accepts ``default=``) and serialization errors become ProcessFailed."""
    deploy(session, "review_set", SCRIPT, refs="".join(
        f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ("calc", "done")))
    try:
        instance = services.start_process(session, user(session, OMG_SECRETARY), "review_set",
                                          entity(session, "OMG"), {"decision": "approve"})
        session.flush()
        workflow = load_workflow(session.get(ProcessInstance, instance.id))
        assert sorted(workflow.data["kinds"]) == ["a", "b"]
    except EngineError:
        pass  # refused with a message: acceptable too
    finally:
        session.rollback()
