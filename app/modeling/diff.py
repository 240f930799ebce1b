"""What changed between two versions of a process model, in words an admin reads: the diagram's elements added,
removed or changed (by their BPMN id, kind and name; the layout is not a change) and the forms added, removed or
changed. `vertrouwd model diff KEY V1 V2` prints it.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from app.models import ProcessModelVersion

_DIAGRAM = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
            "http://www.omg.org/spec/DD/20100524/DI", "https://www.omg.org/spec/DMN/20191111/DMNDI/")
# Admin-supplied XML: no entities, no network (an XXE would read the server's files).
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


@dataclass(frozen=True)
class Change:
    change: str  # added, removed, changed
    kind: str  # the element's tag: userTask, sequenceFlow, decision, ...
    element: str  # its id
    name: str | None
    details: tuple[str, ...] = ()  # what changed: "name: 'A' -> 'B'", "content"


@dataclass(frozen=True)
class VersionDiff:
    elements: list[Change]
    forms: list[tuple[str, str]]  # (change, form name)

    @property
    def empty(self) -> bool:
        return not self.elements and not self.forms


def diff_versions(old: ProcessModelVersion, new: ProcessModelVersion) -> VersionDiff:
    before, after = _elements(old.bpmn_files), _elements(new.bpmn_files)
    changes = [Change("removed", *before[key][:2], before[key][2]) for key in before.keys() - after.keys()]
    changes += [Change("added", *after[key][:2], after[key][2]) for key in after.keys() - before.keys()]
    for key in before.keys() & after.keys():
        if details := _details(before[key], after[key]):
            changes.append(Change("changed", *after[key][:2], after[key][2], details))
    forms = [("removed", name) for name in old.forms.keys() - new.forms.keys()]
    forms += [("added", name) for name in new.forms.keys() - old.forms.keys()]
    forms += [("changed", name) for name in old.forms.keys() & new.forms.keys() if old.forms[name] != new.forms[name]]
    return VersionDiff(sorted(changes, key=lambda change: (change.element, change.change)), sorted(forms))


Element = tuple[str, str, str | None, dict[str, str], str]  # kind, id, name, other attributes, own content


def _elements(files: dict[str, str]) -> dict[str, Element]:
    """Every element with an id in the files, outside the diagram's layout, by id."""
    found = {}
    for xml in files.values():
        root = etree.fromstring(xml.encode(), _PARSER)
        for node in root.iter():
            if not isinstance(node.tag, str) or etree.QName(node).namespace in _DIAGRAM or not node.get("id"):
                continue
            attributes = {key: value for key, value in node.attrib.items() if key not in ("id", "name")}
            found[node.get("id")] = (etree.QName(node).localname, node.get("id"), node.get("name"), attributes,
                                     _own_content(node))
    return found


def _own_content(node) -> str:
    """The element's text and children, but for the children that have an id of their own (compared apart)."""
    parts = [node.text or ""]
    for child in node:
        if isinstance(child.tag, str) and child.get("id") is None:
            parts.append(etree.tostring(child, encoding="unicode", with_tail=False))
    return " ".join(" ".join(parts).split())


def _details(before: Element, after: Element) -> tuple[str, ...]:
    details = []
    if before[2] != after[2]:
        details.append(f"name: {before[2]!r} -> {after[2]!r}")
    for key in sorted(before[3].keys() | after[3].keys()):
        if before[3].get(key) != after[3].get(key):
            details.append(f"{etree.QName(key).localname}: {before[3].get(key)!r} -> {after[3].get(key)!r}")
    if before[0] != after[0]:
        details.append(f"kind: {before[0]} -> {after[0]}")
    if before[4] != after[4]:
        details.append("content (script, condition, timer, properties or form reference)")
    return tuple(details)
