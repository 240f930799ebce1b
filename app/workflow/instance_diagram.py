"""The instance's diagram: its version's BPMN with each element's state, for the bpmn-js viewer of the instance page
(app/static/instance_diagram.js), and the same states as a list of steps for who does not see the drawing. Only
who may see the instance's steps gets either (policy.can_view_instance: of a confidential instance its
participants, not an admin)."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from lxml import etree

from app import model_texts, ui
from app.auth import policy
from app.engine import positions
from app.engine.errors import NotAllowed
from app.modeling.layout import with_diagram
from app.models import ProcessInstance, ProcessModelVersion

log = logging.getLogger(__name__)
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass(frozen=True)
class Step:
    """A named step of the instance as the page lists it, in the reader's language."""

    name: str
    state: str  # positions.COMPLETED, ACTIVE or WAITING


def diagram(instance: ProcessInstance, access: policy.InstanceAccess) -> dict:
    """{"xml": the version's BPMN with diagram coordinates (null when it cannot be drawn), "elements": {BPMN id:
    state}}, for a user with ``access`` to the instance (workflow.instances.instance_for): 403 unless they may see
    its steps."""
    if access is not policy.InstanceAccess.FULL:
        raise NotAllowed(_l("Welke stappen een vertrouwelijk proces doorliep, is voor wie eraan deelneemt."))
    where = positions.position(instance)
    return {"xml": diagram_xml(instance.model_version, model_texts.current_locale()),
            "elements": {item.element: item.state for item in where.elements}}


def steps(where: positions.Position, version: ProcessModelVersion) -> list[Step]:
    """The named steps in the order they were reached (unnamed gateways and events say nothing to people)."""
    translate = model_texts.for_version(version)
    return [Step(translate(item.name), item.state) for item in where.elements if item.name]


_DRAWN: dict[tuple[int, str, str], str | None] = {}  # (version id, checksum, locale) -> XML


def diagram_xml(version: ProcessModelVersion, locale: str) -> str | None:
    """The BPMN file of the version's process, laid out when it has no diagram coordinates (the shipped models have
    none), its names in ``locale``; drawn once per version and language."""
    key = (version.id, version.checksum, locale)
    if key not in _DRAWN:
        if len(_DRAWN) >= 64:
            _DRAWN.clear()
        _DRAWN[key] = _draw(version, locale)
    return _DRAWN[key]


def _draw(version: ProcessModelVersion, locale: str) -> str | None:
    xml = _process_file(version.bpmn_files, version.model_key)
    if xml is None:
        return None
    try:
        return _translated(with_diagram(xml), model_texts.for_version(version, locale))
    except Exception as error:  # a diagram that cannot be drawn leaves the list of steps
        log.warning("diagram of %s version %s not drawn: %s", version.model_key, version.version,
                    type(error).__name__)
        return None


def _process_file(files: dict[str, str], key: str) -> str | None:
    """The file that defines process ``key`` (the others are called processes and decisions)."""
    for xml in files.values():
        try:
            root = etree.fromstring(xml.encode(), parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            continue
        if root.find(f"{{{BPMN_NS}}}process[@id='{key}']") is not None:
            return xml
    return None


def _translated(xml: str, translate) -> str:
    root = etree.fromstring(xml.encode(), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for element in root.iter(f"{{{BPMN_NS}}}*"):
        name = element.get("name")
        if name and element.tag == f"{{{BPMN_NS}}}lane":  # a lane is named by its role's key: say the role
            element.set("name", ui.role_label(name))
        elif name:
            element.set("name", translate(name))
    return etree.tostring(root, encoding="unicode")


def instance_steps(instance: ProcessInstance) -> tuple[list[Step], list[str]]:
    """The instance's named steps and its data names (who may see which is the caller's to decide)."""
    where = positions.position(instance)
    return steps(where, instance.model_version), where.data_names
