"""bpmnlint's recommended rules (the ``bpmn-io`` package's port) on a BPMN file, in our words: the rules that mean
the diagram does not run as drawn are problems that block a deploy, the others are warnings. Models without layout
(BPMNDI) are fine: the engine does not need it and the modeler lays them out."""
from __future__ import annotations

import functools
import logging

from bpmn_io import create_moddle, is_a
from bpmn_io.lint import Linter
from bpmn_io.lint.resolver.node_resolver import NodeResolver
from bpmn_io.moddle.base import Base
from bpmn_io.moddle_xml.read import ParseError
from flask_babel import lazy_gettext as _l

from app.engine.specs import Problem

log = logging.getLogger(__name__)
# Rule -> what it means for the person who drew the diagram.
ERRORS = {
    "ad-hoc-sub-process": _l("een ad-hocsubproces mag geen begin- of eindgebeurtenis bevatten"),
    "conditional-flows": _l("deze verbinding heeft geen voorwaarde, terwijl andere verbindingen uit hetzelfde "
                            "element er wel een hebben (of maak haar de standaardverbinding)"),
    "end-event-required": _l("het proces heeft geen eindgebeurtenis"),
    "event-based-gateway": _l("een gebeurtenisgestuurde gateway leidt alleen naar wachtende gebeurtenissen, minstens "
                              "twee"),
    "event-sub-process-typed-start-event": _l("een gebeurtenissubproces begint met een gebeurtenis van een bepaald "
                                              "type (timer, bericht, ...)"),
    "link-event": _l("een koppelingsgebeurtenis heeft geen passende tegenhanger"),
    "no-complex-gateway": _l("complexe gateways worden niet ondersteund"),
    "no-disconnected": _l("dit element is met niets verbonden"),
    "no-duplicate-sequence-flows": _l("deze verbinding bestaat dubbel"),
    "no-implicit-start": _l("dit element heeft geen inkomende verbinding en wordt dus nooit bereikt"),
    "single-blank-start-event": _l("het proces heeft meer dan één gewone begingebeurtenis"),
    "single-event-definition": _l("een gebeurtenis heeft hoogstens één soort (timer, bericht, ...)"),
    "start-event-required": _l("het proces heeft geen begingebeurtenis"),
    "sub-process-blank-start-event": _l("een subproces begint met een gewone begingebeurtenis"),
}
WARNINGS = {
    "fake-join": _l("twee inkomende verbindingen zonder gateway: gebruik een gateway om samen te voegen"),
    "global": _l("dit globale element wordt niet gebruikt of bestaat dubbel"),
    "label-required": _l("dit element heeft geen naam"),
    "no-gateway-join-fork": _l("deze gateway voegt samen en splitst tegelijk: teken twee gateways"),
    "no-implicit-end": _l("dit element heeft geen uitgaande verbinding: eindig met een eindgebeurtenis"),
    "no-implicit-split": _l("meerdere uitgaande verbindingen zonder gateway of voorwaarden: gebruik een gateway"),
    "no-overlapping-elements": _l("dit element overlapt een ander in het diagram"),
    "superfluous-gateway": _l("deze gateway heeft maar één inkomende en één uitgaande verbinding"),
    "superfluous-label": _l("een naam op een verbinding zonder voorwaarde wordt niet getoond"),
    "superfluous-termination": _l("deze beëindigende eindgebeurtenis is overbodig"),
}
_CONFIG = {"extends": "bpmnlint:recommended",
           "rules": {rule: ("error" if rule in ERRORS else "warn" if rule in WARNINGS else "off")
                     for rule in ("no-bpmndi", "no-inclusive-gateway", *ERRORS, *WARNINGS)}}


def lint(xml: str) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) of one BPMN file; a file bpmn-io cannot read gives none (the engine's parser says why)."""
    problems, warnings = [], []
    for rule, element_id, name in _findings(xml):
        label = f"'{name}' ({element_id})" if name else (element_id or "BPMN")
        if rule in ERRORS:
            problems.append(Problem(f"{label}: {ERRORS[rule]}", element_id))
        elif rule in WARNINGS:
            warnings.append(Problem(f"{label}: {WARNINGS[rule]}", element_id))
    return problems, warnings


@functools.lru_cache(maxsize=64)  # a deploy of unchanged files (every `vertrouwd init`, the tests) lints them once
def _findings(xml: str) -> tuple[tuple[str, str | None, str | None], ...]:
    """(rule, element id, element name) of every finding; words are added per reader, in their language."""
    try:
        parsed = create_moddle().from_xml(xml)
    except ParseError:
        return ()
    _connect_flows(parsed.elements_by_id.values())
    try:
        reports = Linter(resolver=NodeResolver()).lint(parsed.root_element, _CONFIG)
    except Exception as exc:  # a rule of the port that trips over an odd model must not stop the engine's own checks
        log.warning("bpmnlint failed: %s", type(exc).__name__)
        return ()
    findings = []
    for rule, reported in sorted(reports.items()):
        for finding in reported:
            element = parsed.elements_by_id.get(finding.get("id"))
            findings.append((rule, finding.get("id"), element.get("name") if element is not None else None))
    return tuple(findings)


def _connect_flows(elements) -> None:
    """Fill each node's incoming and outgoing flows from the flows' own ends: BPMN makes the <incoming>/<outgoing>
    children optional (the engine reads sourceRef/targetRef), but the rules read the children."""
    for flow in elements:
        if not is_a(flow, "bpmn:SequenceFlow"):
            continue
        for end, side in (("sourceRef", "outgoing"), ("targetRef", "incoming")):
            node = flow.get(end)
            if isinstance(node, Base) and flow not in (listed := node.get(side)):  # not an unresolved reference
                listed.append(flow)

