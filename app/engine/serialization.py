"""SpiffWorkflow state in and out of the database, with the spec split off and stored once per version.

Specs are deserialized once per model version and shared by all its instances (as SpiffWorkflow
shares one parsed spec between workflows); the instance row holds only the task tree and data.
"""
from __future__ import annotations

import json
from datetime import date
from types import ModuleType
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG

SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
# SpiffWorkflow registers datetime, timedelta and UUID; form dates are ISO strings, but a script may make a date.
SERIALIZER.registry.register(date, lambda value: {"value": value.isoformat()},
                             lambda dct: date.fromisoformat(dct["value"]))
_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
# The registry keeps each converter's bound to_dict; its __self__ is the BpmnWorkflowConverter we extend.
_CONVERTER = SERIALIZER.registry.convert_to_dict[SERIALIZER.registry.typenames[BpmnWorkflow]].args[1].__self__


def dump_spec(spec, subprocess_specs: dict) -> str:
    """The JSON of a process spec and the specs of its call activities."""
    return json.dumps({
        "serializer_version": VERSION,
        "spec": SERIALIZER.registry.convert(spec),
        "subprocess_specs": _CONVERTER.mapping_to_dict(subprocess_specs),
    })


_SPECS: dict[tuple[int, str], tuple] = {}


def version_spec(version) -> tuple:
    """(spec, subprocess_specs) of a ProcessModelVersion, deserialized once per version and checksum."""
    key = (version.id, version.checksum)
    if key not in _SPECS:
        _SPECS[key] = load_spec(version.spec_json)
    return _SPECS[key]


def load_spec(spec_json: str) -> tuple:
    """(spec, subprocess_specs) objects from a stored spec JSON."""
    dct = json.loads(spec_json)
    return SERIALIZER.registry.restore(dct["spec"]), _CONVERTER.mapping_from_dict(dct["subprocess_specs"])


def dump_state(workflow: BpmnWorkflow) -> str:
    """The instance's state without its spec."""
    dct = WorkflowConverter.to_dict(_CONVERTER, workflow)
    dct["subprocesses"] = _CONVERTER.mapping_to_dict(workflow.subprocesses)
    dct["bpmn_events"] = SERIALIZER.registry.convert(workflow.bpmn_events)
    dct["serializer_version"] = VERSION
    try:
        return orjson.dumps(dct, default=_encode_other, option=_OPTIONS).decode()
    except orjson.JSONEncodeError as exc:  # integers beyond 64 bits, lone surrogates: refused, never stored lossy
        raise TypeError(f"workflow data cannot be stored: {type(exc).__name__}") from exc


def _encode_other(value):
    """What SpiffWorkflow's own JSON encoder does with values its registry does not know."""
    if isinstance(value, (set, frozenset)):
        return list(value)
    if callable(value) or isinstance(value, ModuleType):
        return None
    raise TypeError(f"{type(value).__name__} cannot be kept in workflow data")


def load_state(state_json: str, version) -> BpmnWorkflow:
    """Rebuild a workflow from its state and the (cached) spec of its ProcessModelVersion."""
    spec, subprocess_specs = version_spec(version)
    dct = orjson.loads(state_json)
    if dct.get("serializer_version") != VERSION:
        return _load_migrated(dct, version.spec_json)
    workflow = BpmnWorkflow(spec, subprocess_specs, deserializing=True)
    workflow.tasks = _CONVERTER.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
    workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
    _CONVERTER.set_default_attributes(workflow, dct)
    _CONVERTER.subprocesses_from_dict(dct["subprocesses"], workflow)
    workflow.bpmn_events = SERIALIZER.registry.restore(dct.pop("bpmn_events", []))
    return workflow


def _load_migrated(dct: dict, spec_json: str) -> BpmnWorkflow:
    """State written by an older SpiffWorkflow: merge the spec back and let Spiff migrate it."""
    spec_dct = json.loads(spec_json)
    dct["spec"], dct["subprocess_specs"] = spec_dct["spec"], spec_dct["subprocess_specs"]
    SERIALIZER.migrate(dct)
    return SERIALIZER.from_dict(dct)
