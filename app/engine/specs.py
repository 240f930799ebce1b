"""Parsing and checking a process model before it is accepted (DESIGN.md: the workflow engine)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.mixins.service_task import ServiceTask

from app.engine.sandbox import SandboxError, check_expression, check_script
from app.engine.services import known_services
from app.forms import FormDefinition, FormError
from app.models.people import Role
from app.models.process import Visibility

HUMAN_LANES = frozenset(role.value for role in Role)
FORM_PROPERTY = "formJsonSchemaFilename"
VISIBILITY_PROPERTY = "visibility"
# A process the application starts from elsewhere (its value says where, e.g. "dossier"): people never start it
# from the start screen, even when its first step is a user task.
STARTED_FROM_PROPERTY = "startedFrom"
_NAMESPACES = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
               "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
UI_PROPERTY = "formUiSchemaFilename"


class Problem(str):
    """A reason a model is refused, in words, with the diagram element it is about (its BPMN id) when there is one:
    the modeler and the API point at that element."""

    element: str | None

    def __new__(cls, message: str, element: str | None = None) -> Problem:
        problem = super().__new__(cls, message)
        problem.element = element
        return problem


@dataclass
class ParsedModel:
    key: str
    name: str
    spec: object
    subprocess_specs: dict
    start_task: str = ""
    start_roles: list[str] = field(default_factory=list)
    visibility: Visibility = Visibility.ENTITY
    problems: list[Problem] = field(default_factory=list)


def form_name(file_name: str) -> str:
    """``appointment_request.schema.json`` -> ``appointment_request``."""
    return file_name.removesuffix(".json").removesuffix(".schema").removesuffix(".uischema")


def parse_model(key: str, files: dict[str, str], forms: dict[str, dict]) -> ParsedModel:
    """Parse BPMN/DMN sources and check them; ``problems`` is empty when the model may be deployed."""
    parser = SpiffBpmnParser()
    try:
        for file_name, xml in sorted(files.items()):
            if file_name.endswith(".dmn"):
                parser.add_dmn_str(xml.encode())
            else:
                parser.add_bpmn_str(xml.encode(), filename=file_name)
        spec = parser.get_spec(key)
        subprocess_specs = parser.get_subprocess_specs(key)
    except (ValidationException, Exception) as exc:  # the parser raises lxml and Spiff errors alike
        return ParsedModel(key, key, None, {}, problems=[_unreadable(exc)])
    parsed = ParsedModel(key, spec.description or key, spec, subprocess_specs)
    if hasattr(spec, "bpmn_name") and spec.bpmn_name:
        parsed.name = spec.bpmn_name
    _read_visibility(parser, parsed)
    all_specs = [spec, *subprocess_specs.values()]
    for process_spec in all_specs:
        for task_spec in process_spec.task_specs.values():
            parsed.problems.extend(Problem(text, task_spec.name) for text in _check_task_spec(task_spec, forms))
    if not _process_property(parser, parsed.key, STARTED_FROM_PROPERTY):
        _find_start(parsed)
    return parsed


def _unreadable(exc: Exception) -> Problem:
    """A parse error, naming the element SpiffWorkflow names (its text is the parser's own, in English)."""
    line = getattr(exc, "line_number", None)
    reason = str(exc) + (str(_l(" (regel %(line)s)", line=line)) if line else "")
    return Problem(str(_l("BPMN kan niet gelezen worden: %(reason)s", reason=reason)), getattr(exc, "id", None) or None)


def _process_property(parser: SpiffBpmnParser, key: str, name: str) -> str | None:
    """A property of the process element itself (spiffworkflow:properties), None when it has none."""
    node = parser.process_parsers[key].node
    values = node.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
                        f"[@name='{name}']/@value", namespaces=_NAMESPACES)
    return values[0] if values else None


def _read_visibility(parser: SpiffBpmnParser, parsed: ParsedModel) -> None:
    """The process's own ``visibility`` property."""
    value = _process_property(parser, parsed.key, VISIBILITY_PROPERTY)
    if value is None:
        return
    try:
        parsed.visibility = Visibility(value)
    except ValueError:
        allowed = ", ".join(member.value for member in Visibility)
        parsed.problems.append(Problem(str(_l("%(process)s: zichtbaarheid '%(value)s' is onbekend (kies %(allowed)s)",
                                              process=parsed.name, value=value[:50], allowed=allowed)), parsed.key))


# Column sizes of the task table (app/models/process.py): a longer value would fail at the first save.
_LIMITS = (("name", 100, _l("het id is langer dan %(limit)d tekens")),
           ("bpmn_name", 200, _l("de naam is langer dan %(limit)d tekens")),
           ("lane", 50, _l("de naam van de lane is langer dan %(limit)d tekens")))


def _check_task_spec(task_spec, forms: dict[str, dict]) -> list[str]:
    label = f"{task_spec.bpmn_name or task_spec.name}"
    problems: list[str] = []
    for attribute, limit, words in _LIMITS:
        if len(getattr(task_spec, attribute, None) or "") > limit:
            problems.append(f"{label}: {words % {'limit': limit}}")
    if isinstance(task_spec, UserTask) or getattr(task_spec, "manual", False):
        problems.extend(_check_user_task(task_spec, label, forms))
    if isinstance(task_spec, ServiceTask) and task_spec.operation_name not in known_services():
        problems.append(str(_l("%(step)s: onbekende service '%(service)s'", step=label,
                               service=task_spec.operation_name)))
    for source, checker in _expressions(task_spec):
        try:
            checker(source)
        except SandboxError as exc:
            problems.append(f"{label}: {exc}")
    return problems


def _check_user_task(task_spec, label: str, forms: dict[str, dict]) -> list[str]:
    """Every human task (user or manual) has a known role as lane and a valid form."""
    problems = []
    if task_spec.lane not in HUMAN_LANES:
        problems.append(str(_l("%(step)s: de lane '%(lane)s' is geen gekende rol (%(roles)s)", step=label,
                               lane=task_spec.lane, roles=", ".join(sorted(HUMAN_LANES)))))
    properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
    schema_file = properties.get(FORM_PROPERTY)
    if not schema_file:
        return [*problems, str(_l("%(step)s: er is geen formulier gekozen", step=label))]
    form = forms.get(form_name(schema_file))
    if form is None:
        return [*problems, str(_l("%(step)s: formulier '%(form)s' bestaat niet", step=label, form=schema_file))]
    try:
        FormDefinition.from_dicts(form_name(schema_file), form["schema"], form.get("ui"))
    except FormError as exc:
        problems.append(str(_l("%(step)s: formulier '%(form)s' is ongeldig: %(reason)s", step=label, form=schema_file,
                               reason=exc)))
    shown = properties.get("showDataOfForm")
    if shown and shown not in forms:
        problems.append(str(_l("%(step)s: het getoonde formulier '%(form)s' bestaat niet", step=label, form=shown)))
    return problems


def _expressions(task_spec):
    """Every piece of Python a task spec will run, with the check that fits it."""
    for condition, _target in getattr(task_spec, "cond_task_specs", []):
        if condition is not None and condition.args and condition.args[0]:
            yield condition.args[0], check_expression
    for attribute in ("script", "prescript", "postscript"):
        source = getattr(task_spec, attribute, None)
        if source:
            yield source, check_script
    event_definition = getattr(task_spec, "event_definition", None)
    if isinstance(event_definition, TimerEventDefinition):
        yield event_definition.expression, check_expression
    for parameter in (getattr(task_spec, "operation_params", None) or {}).values():
        yield parameter["value"], check_expression


def _find_start(parsed: ParsedModel) -> None:
    """A model people start begins with a plain start event followed by a user task; its lane may start it."""
    for task_spec in parsed.spec.task_specs.values():
        if isinstance(task_spec, StartEvent) and not _has_trigger(task_spec):
            first = task_spec.outputs[0] if task_spec.outputs else None
            if isinstance(first, UserTask):
                parsed.start_task = first.name
                parsed.start_roles = [first.lane]
            return


def _has_trigger(task_spec) -> bool:
    event_definition = getattr(task_spec, "event_definition", None)
    return event_definition is not None and type(event_definition).__name__ != "NoneEventDefinition"


def user_task_form(task_spec) -> str | None:
    """The form name a user task spec refers to."""
    schema_file = task_spec.extensions.get("properties", {}).get(FORM_PROPERTY)
    return form_name(schema_file) if schema_file else None
