"""What a model refers to outside the element itself: the processes its call activities call and the decisions its
business rule tasks (and the services, through the process's ``decisionTable`` property) evaluate. Each must be in
the files deployed together; every missing one is named with the element that refers to it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from lxml import etree

from app.engine.specs import Problem

_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_NS = {"bpmn": _BPMN, "spiffworkflow": _SPIFF}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def reference_problems(files: dict[str, str]) -> list[Problem]:
    """A problem per call activity whose process, and per decision user whose decision, is not among ``files``."""
    trees = {name: tree for name, tree in ((name, _read(xml)) for name, xml in sorted(files.items()))
             if tree is not None}
    processes = {node.get("id") for name, tree in trees.items() if not name.endswith(".dmn")
                 for node in tree.iter(f"{{{_BPMN}}}process")}
    decisions = {node.get("id") for name, tree in trees.items() if name.endswith(".dmn")
                 for node in tree.iter() if isinstance(node.tag, str) and etree.QName(node).localname == "decision"}
    problems = []
    for name, tree in trees.items():
        if name.endswith(".dmn"):
            continue
        for call in tree.iter(f"{{{_BPMN}}}callActivity"):
            called = call.get("calledElement")
            if called not in processes:
                problems.append(Problem(str(_l("%(step)s roept het proces '%(called)s' op, maar dat zit niet bij de "
                                               "ingediende bestanden", step=_label(call), called=called or "")),
                                        call.get("id")))
        for user, decision in _decision_users(tree):
            if decision not in decisions:
                problems.append(Problem(str(_l("%(step)s gebruikt de beslistabel '%(decision)s', maar die zit in geen "
                                               "van de ingediende DMN-bestanden", step=_label(user),
                                               decision=decision)), user.get("id")))
    return problems


def _decision_users(tree):
    for task in tree.iter(f"{{{_BPMN}}}businessRuleTask"):
        called = task.findtext("bpmn:extensionElements/spiffworkflow:calledDecisionId", namespaces=_NS)
        yield task, (called or "").strip()
    for process in tree.iter(f"{{{_BPMN}}}process"):
        for value in process.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
                                   "[@name='decisionTable']/@value", namespaces=_NS):
            yield process, value


def _read(xml: str):
    try:
        return etree.fromstring(xml.encode(), _PARSER)
    except etree.XMLSyntaxError:
        return None  # the engine's parser says what is wrong with it


def _label(node) -> str:
    name, element_id = node.get("name"), node.get("id")
    return f"'{name}' ({element_id})" if name else (element_id or "BPMN")
