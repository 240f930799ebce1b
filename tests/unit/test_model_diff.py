"""The readable diff of two versions (app/modeling/diff.py): the layout a modeler writes is no change; a script is."""
from __future__ import annotations

from types import SimpleNamespace

from app.modeling.diff import diff_versions

XML = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:scriptTask id="s" name="Rekenen"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="p">
    <bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="10" y="20" width="100" height="80"/></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def version(xml: str, forms: dict | None = None):
    return SimpleNamespace(bpmn_files={"p.bpmn": xml}, forms=forms or {})


def test_moving_a_shape_is_no_change_but_a_script_is():
    moved = XML.replace('x="10" y="20"', 'x="300" y="200"')
    assert diff_versions(version(XML), version(moved)).empty
    scripted = diff_versions(version(XML), version(XML.replace("x = 1", "x = 2")))
    assert [(change.change, change.kind, change.element) for change in scripted.elements] == \
        [("changed", "scriptTask", "s")]
    assert scripted.elements[0].details == ("content (script, condition, timer, properties or form reference)",)


def test_an_entity_in_the_xml_is_not_resolved():
    hostile = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
               + XML.split("?>", 1)[1].replace("x = 1", "&secret;"))
    changed = diff_versions(version(XML), version(hostile)).elements
    assert changed and "root:" not in repr(changed)
