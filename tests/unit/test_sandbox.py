"""app.engine.sandbox: what scripts, conditions, DMN cells, timers and service tasks may do under the sandbox."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from app.engine import sandbox
from app.engine.sandbox import SandboxedScriptEngine, SandboxError, check_expression, check_script

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="intake" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute"/>
    <bpmn:scriptTask id="compute" name="Compute">
      <bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>amounts = [a for a in amounts if a &gt; 0]
total = sum(amounts)
label = f"{name.upper()}: {total:.2f}"
double = lambda v: v * 2
doubled = [double(a) for a in amounts]
by_index = {i: a for i, a in enumerate(amounts)}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="classify"/>
    <bpmn:businessRuleTask id="classify" name="Classify">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>risk_decision</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f3" sourceRef="classify" targetRef="notify"/>
    <bpmn:serviceTask id="notify" name="Notify">
      <bpmn:extensionElements>
        <spiffworkflow:preScript>greeting = f"Dear {name.title()}"</spiffworkflow:preScript>
        <spiffworkflow:postScript>due = (datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(days=730)).isoformat()</spiffworkflow:postScript>
        <spiffworkflow:serviceTaskOperator id="notify_person" resultVariable="notification">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="recipient" type="str" value="name.upper()"/>
            <spiffworkflow:parameter id="amount" type="int" value="total * 2"/>
            <spiffworkflow:parameter id="greeting" type="str" value="greeting"/>
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>f3</bpmn:incoming>
      <bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f4" sourceRef="notify" targetRef="route"/>
    <bpmn:exclusiveGateway id="route" default="to_wait">
      <bpmn:incoming>f4</bpmn:incoming>
      <bpmn:outgoing>to_escalate</bpmn:outgoing>
      <bpmn:outgoing>to_wait</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="to_escalate" sourceRef="route" targetRef="escalate">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">risk == "high"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_wait" sourceRef="route" targetRef="wait"/>
    <bpmn:scriptTask id="escalate" name="Escalate">
      <bpmn:incoming>to_escalate</bpmn:incoming>
      <bpmn:outgoing>f5</bpmn:outgoing>
      <bpmn:script>escalated = True</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f5" sourceRef="escalate" targetRef="end_high"/>
    <bpmn:endEvent id="end_high"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:intermediateCatchEvent id="wait" name="Wait">
      <bpmn:incoming>to_wait</bpmn:incoming>
      <bpmn:outgoing>f6</bpmn:outgoing>
      <bpmn:timerEventDefinition id="wait_timer">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT1S"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f6" sourceRef="wait" targetRef="end_low"/>
    <bpmn:endEvent id="end_low"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""

DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="risk_defs" name="Risk"
    namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="risk_decision" name="Risk">
    <decisionTable id="risk_table">
      <input id="in_category" label="Category">
        <inputExpression id="in_category_expr" typeRef="string"><text>category</text></inputExpression>
      </input>
      <input id="in_total" label="Total">
        <inputExpression id="in_total_expr" typeRef="number"><text>total</text></inputExpression>
      </input>
      <output id="out_risk" label="Risk" name="risk" typeRef="string"/>
      <rule id="r1">
        <inputEntry id="r1_category"><text>? in ("fraud", "violence")</text></inputEntry>
        <inputEntry id="r1_total"><text></text></inputEntry>
        <outputEntry id="r1_risk"><text>"high"</text></outputEntry>
      </rule>
      <rule id="r2">
        <inputEntry id="r2_category"><text>"other"</text></inputEntry>
        <inputEntry id="r2_total"><text>&gt; 1000</text></inputEntry>
        <outputEntry id="r2_risk"><text>"medium"</text></outputEntry>
      </rule>
      <rule id="r3">
        <inputEntry id="r3_category"><text></text></inputEntry>
        <inputEntry id="r3_total"><text></text></inputEntry>
        <outputEntry id="r3_risk"><text>"low"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def _one_script_bpmn(script: str, condition: str = "True", timer: str = '"PT1S"') -> str:
    """A process: script task, gateway with one condition, timer; each piece replaceable."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="small" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="run"/>
    <bpmn:scriptTask id="run"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="run" targetRef="route"/>
    <bpmn:exclusiveGateway id="route"/>
    <bpmn:sequenceFlow id="f3" sourceRef="route" targetRef="wait">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>{timer}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _workflow(bpmn: str, process_id: str, data: dict, service_caller=None) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(bpmn.encode())
    parser.add_dmn_str(DMN.encode())
    spec, subprocess_specs = parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=SandboxedScriptEngine(service_caller))
    workflow.get_tasks(state=TaskState.READY)[0].data.update(data)
    return workflow


def _task(workflow: BpmnWorkflow, spec_name: str):
    return next(task for task in workflow.tasks.values() if task.task_spec.name == spec_name)


@pytest.fixture
def env():
    return sandbox.SandboxedEnvironment()


@pytest.mark.parametrize(
    ("expression", "data", "expected"),
    [
        ("1 + 2 * 3 - 4 / 2", {}, 5.0),
        ("7 // 2, 7 % 2, 2 ** 10, -3 ** 2, 1 << 4", {}, (3, 1, 1024, -9, 16)),
        ("amount > 100 and category in ('a', 'b')", {"amount": 150, "category": "a"}, True),
        ("1 < x <= 3 != 4", {"x": 2}, True),
        ("[a * 2 for a in amounts if a > 1]", {"amounts": [1, 2, 3]}, [4, 6]),
        ("{k: v for k, v in pairs}", {"pairs": [("a", 1), ("b", 2)]}, {"a": 1, "b": 2}),
        ("sum(a for a in amounts)", {"amounts": [1, 2, 3]}, 6),
        ('f"{name!r:>8}|{x:.2f}|{x:{width}}|{n:,}"', {"name": "an", "x": 1.5, "width": 5, "n": 12345},
         "    'an'|1.50|  1.5|12,345"),
        ("'%05.1f %s' % (3.14159, 'pi')", {}, "003.1 pi"),
        ("name.upper(), name.strip().title(), ', '.join(sorted(tags))", {"name": " jan ", "tags": ["b", "a"]},
         (" JAN ", "Jan", "a, b")),
        ("sorted(names, key=str.lower)", {"names": ["b", "A", "c"]}, ["A", "b", "c"]),
        ("isinstance(x, (str, list)), isinstance(x, dict), str(x), list(x), len(x)", {"x": [1]},
         (True, False, "[1]", [1], 1)),
        ("(datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(days=730)).isoformat()", {},
         "2025-12-31T00:00:00+00:00"),
        ("sum([timedelta(hours=1), timedelta(hours=2)], timedelta()) == timedelta(hours=3)", {}, True),
        ("date(2024, 2, 28) + timedelta(days=1)", {}, datetime(2024, 2, 29).date()),
        ('"PT1S"', {}, "PT1S"),
        ("max(range(5)), min([3, 1]), abs(-2), round(2.567, 2), any([0, 1]), all([])", {}, (4, 1, 2, 2.57, True, True)),
        ("type == 'complaint'", {"type": "complaint"}, True),  # a data field may be named like a builtin
    ],
)
def test_evaluate_allows_ordinary_expressions(env, expression, data, expected):
    assert env.evaluate(expression, data) == expected


def test_execute_assigns_into_task_data_and_drops_helpers(env):
    data = {"amounts": [3, 1, 2], "name": "an"}
    script = """
double = lambda v: v * 2
def label(v):
    return f"{name}-{v}"
total = 0
for a in amounts:
    total += a
labels = [label(double(a)) for a in sorted(amounts)]
pairs = enumerate(amounts)
kind = str
counts = {}
counts["x"] = 1
amounts.append(4)
"""
    assert env.execute(script, data) is True
    assert data == {"amounts": [3, 1, 2, 4], "name": "an", "total": 6, "a": 2,
                    "labels": ["an-2", "an-4", "an-6"], "counts": {"x": 1}}


def test_execute_passes_external_context_and_removes_it(env):
    data = {"a": 1}
    env.execute("b = a + offset", data, external_context={"offset": 10})
    assert data == {"a": 1, "b": 11}
    with pytest.raises(ValueError, match="offset"):
        env.execute("b = 1", {"offset": 1}, external_context={"offset": 10})


def test_data_cannot_shadow_the_guards(env):
    data = {"_getattr_": "not a guard", "name": "an"}
    assert env.evaluate("name.upper()", data) == "AN"
    with pytest.raises(SandboxError):
        env.evaluate("name.__class__", data)


def test_a_caught_refusal_is_raised_anyway(env):
    data = {}
    with pytest.raises(SandboxError, match="format"):
        env.execute("try:\n    x = '{}'.format(1)\nexcept Exception:\n    x = 'swallowed'", data)


def test_ordinary_errors_stay_ordinary(env):
    with pytest.raises(NameError):
        env.evaluate("missing == 1", {})
    with pytest.raises(ZeroDivisionError):
        env.execute("x = 1 / 0", {})


def test_compiled_code_is_cached():
    assert sandbox._compile("a + 1", "eval") is sandbox._compile("a + 1", "eval")


def test_checks_accept_valid_sources():
    check_expression('risk == "high"')
    check_expression('"PT1S"')
    check_script("x = 1\nfor i in range(3):\n    x += i")


@pytest.mark.parametrize(
    ("checker", "source", "message"),
    [
        (check_expression, "risk ==", "SyntaxError"),
        (check_expression, "x = 1", "SyntaxError"),
        (check_script, "def f(:\n  pass", "SyntaxError"),
        (check_script, "return 1", "'return' outside function"),
        (check_script, "x = y.__class__", "starts with"),
        (check_script, "while x:\n    pass", "while loops are not allowed"),
        (check_script, "-" * 100_000 + "1", "invalid Python"),
        (check_expression, None, "expected Python source text"),
    ],
)
def test_checks_refuse_with_a_message(checker, source, message):
    with pytest.raises(SandboxError, match=message) as caught:
        checker(source)
    assert not str(caught.value).endswith(". ")


@pytest.mark.parametrize(("category", "amounts"), [("fraud", [10, -5, 20]), ("other", [10, 20])])
def test_workflow_runs_scripts_dmn_gateway_service_and_timer_in_the_sandbox(category, amounts):
    calls = []

    def service_caller(operation_name, params, task_data):
        calls.append((operation_name, params, task_data["risk"]))
        return {"sent_to": params["recipient"]}

    workflow = _workflow(BPMN, "intake", {"name": "an", "category": category, "amounts": amounts}, service_caller)
    workflow.do_engine_steps()

    data = _task(workflow, "notify").data
    assert data["amounts"] == [10, 20]
    assert data["label"] == "AN: 30.00" and data["doubled"] == [20, 40] and data["by_index"] == {0: 10, 1: 20}
    assert "double" not in data  # the lambda did not stay in the task data
    assert data["greeting"] == "Dear An"  # preScript
    assert data["due"] == "2025-12-31T00:00:00+00:00"  # postScript
    risk = "high" if category == "fraud" else "low"
    assert data["risk"] == risk
    assert calls == [("notify_person", {"recipient": "AN", "amount": 60, "greeting": "Dear An"}, risk)]
    assert data["notification"] == {"sent_to": "AN"}
    if risk == "high":
        assert workflow.completed and workflow.data["escalated"] is True
    else:
        wait = _task(workflow, "wait")
        assert wait.state == TaskState.WAITING
        due = datetime.fromisoformat(wait.internal_data["event_value"])
        assert timedelta(0) < due - datetime.now(timezone.utc) <= timedelta(seconds=1)


@pytest.mark.parametrize(
    ("script", "condition", "timer", "message"),
    [
        ("import os", "True", '"PT1S"', "import is not allowed"),
        ("x = 1", "x.__class__", '"PT1S"', "starts with"),
        ("x = 1", "'{}'.format(x)", '"PT1S"', "format"),
        ("x = 1", "True", '"PT1S" * 10 ** 10', "too large"),
        ("x = 1", "True", "__import__('os').getcwd()", "starts with"),
    ],
)
def test_workflow_refusals_surface_as_sandbox_errors(script, condition, timer, message):
    workflow = _workflow(_one_script_bpmn(script, condition, timer), "small", {})
    with pytest.raises(SandboxError, match=message):
        workflow.do_engine_steps()


def test_service_task_without_registry_is_refused():
    workflow = _workflow(BPMN, "intake", {"name": "an", "category": "fraud", "amounts": [1]})
    with pytest.raises(SandboxError, match="no service registry"):
        workflow.do_engine_steps()


def test_refusals_work_outside_the_main_thread(env):
    errors = []

    def run():
        try:
            env.execute("for i in range(10**5):\n    for j in range(10**5):\n        pass", {})
        except SandboxError as err:
            errors.append(str(err))

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=5)
    assert errors == ["more than 100,000 loop iterations or function calls"]
