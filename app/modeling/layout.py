"""A diagram for a model written without one. The shipped models in bpmn/ carry no BPMN DI (no shapes, no positions),
and the modeler can only show what has a shape: bpmn-io (PyPI, a port of bpmn-auto-layout) places the elements in
columns and rows, and this module puts them in bands per lane inside the pool, so that each role's steps stay visibly
in its lane. A model that has a diagram is left as it is."""
from __future__ import annotations

from dataclasses import dataclass

import bpmn_io
from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
ROW = 140  # the auto-layout's distance between two rows
POOL_LABEL = 30  # the band on the left of a pool (and of each lane) that holds its name
MARGIN = 40


@dataclass
class _Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


def has_diagram(xml: str) -> bool:
    return "BPMNDiagram" in xml


def with_diagram(xml: str) -> str:
    """``xml`` with a diagram: the same XML when it has one, else laid out with a band per lane. An XML the layout
    cannot read comes back unchanged (the checks say what is wrong with it)."""
    if has_diagram(xml):
        return xml
    try:
        laid_out = etree.fromstring(bpmn_io.layout_process(xml).encode(), _PARSER)
    except Exception:  # noqa: BLE001 - any failure of the layout leaves the admin's XML as it was
        return xml
    collaboration = laid_out.find(f"{{{BPMN}}}collaboration")
    process = laid_out.find(f"{{{BPMN}}}process")
    lanes = process.findall(f"{{{BPMN}}}laneSet/{{{BPMN}}}lane") if process is not None else []
    participant = collaboration.find(f"{{{BPMN}}}participant") if collaboration is not None else None
    if participant is not None and lanes:
        _into_lanes(laid_out, process, participant, lanes)
    return etree.tostring(laid_out, encoding="unicode", xml_declaration=False)


def _into_lanes(root, process, participant, lanes) -> None:
    plane = root.find(f".//{{{BPMNDI}}}BPMNPlane")
    shapes = {shape.get("bpmnElement"): shape for shape in plane.findall(f"{{{BPMNDI}}}BPMNShape")}
    boxes = {element: _bounds(shape) for element, shape in shapes.items()}
    lane_of = {ref.text.strip(): index for index, lane in enumerate(lanes)
               for ref in lane.findall(f"{{{BPMN}}}flowNodeRef") if ref.text}
    hosts = {event.get("id"): event.get("attachedToRef") for event in process.iter(f"{{{BPMN}}}boundaryEvent")}
    top = min((box.middle for box in boxes.values()), default=0)
    rows_in_lane: dict[int, list[int]] = {index: [] for index in range(len(lanes))}
    for element, box in boxes.items():
        if element not in hosts:
            rows_in_lane[lane_of.get(element, 0)].append(round((box.middle - top) / ROW))
    bands, lane_top = [], 0.0
    for index in range(len(lanes)):
        rows = sorted(set(rows_in_lane[index])) or [0]
        bands.append((lane_top, rows))
        lane_top += len(rows) * ROW
    moved: dict[str, _Box] = {}
    for element, box in boxes.items():
        if element in hosts:
            continue
        band_top, rows = bands[lane_of.get(element, 0)]
        row = rows.index(round((box.middle - top) / ROW))
        moved[element] = _Box(box.x + POOL_LABEL * 2 + MARGIN, band_top + row * ROW + ROW / 2 - box.height / 2,
                              box.width, box.height)
    for event, host in hosts.items():
        if event in boxes and host in moved:
            before, after = boxes[host], moved[host]
            box = boxes[event]
            moved[event] = _Box(box.x + after.x - before.x, after.y + after.height - box.height / 2,
                                box.width, box.height)
    for element, box in moved.items():
        _set_bounds(shapes[element], box)
    for label in plane.iter(f"{{{BPMNDI}}}BPMNLabel"):
        label.getparent().remove(label)
    _route_edges(plane, process, moved)
    right = max((box.x + box.width for box in moved.values()), default=400) + MARGIN
    _add_pool(plane, participant, lanes, bands, right)


def _bounds(shape) -> _Box:
    bounds = shape.find(f"{{{DC}}}Bounds")
    return _Box(*(float(bounds.get(name)) for name in ("x", "y", "width", "height")))


def _set_bounds(shape, box: _Box) -> None:
    bounds = shape.find(f"{{{DC}}}Bounds")
    for name in ("x", "y", "width", "height"):
        bounds.set(name, str(round(getattr(box, name))))


def _route_edges(plane, process, boxes: dict[str, _Box]) -> None:
    """Each sequence flow as right angles: forwards from the right side to the left side, backwards below both."""
    flows = {flow.get("id"): flow for flow in process.iter(f"{{{BPMN}}}sequenceFlow")}
    for edge in plane.findall(f"{{{BPMNDI}}}BPMNEdge"):
        flow = flows.get(edge.get("bpmnElement"))
        if flow is None:
            continue
        source, target = boxes.get(flow.get("sourceRef")), boxes.get(flow.get("targetRef"))
        if source is None or target is None:
            continue
        for point in edge.findall(f"{{{DI}}}waypoint"):
            edge.remove(point)
        for x, y in _waypoints(source, target):
            etree.SubElement(edge, f"{{{DI}}}waypoint", x=str(round(x)), y=str(round(y)))


def _waypoints(source: _Box, target: _Box) -> list[tuple[float, float]]:
    if target.x >= source.x + source.width:
        start, end = (source.x + source.width, source.middle), (target.x, target.middle)
        if start[1] == end[1]:
            return [start, end]
        bend = (start[0] + end[0]) / 2
        return [start, (bend, start[1]), (bend, end[1]), end]
    below = max(source.y + source.height, target.y + target.height) + 20
    start, end = (source.x + source.width / 2, source.y + source.height), (target.x + target.width / 2,
                                                                         target.y + target.height)
    return [start, (start[0], below), (end[0], below), end]


def _add_pool(plane, participant, lanes, bands, right: float) -> None:
    """The pool's shape and a shape per lane; the plane becomes the collaboration's, as bpmn-js expects."""
    plane.set("bpmnElement", participant.getparent().get("id"))
    height = bands[-1][0] + len(bands[-1][1]) * ROW
    shapes = [(participant.get("id"), _Box(0, 0, right, height), True)]
    shapes += [(lane.get("id"), _Box(POOL_LABEL, top, right - POOL_LABEL, len(rows) * ROW), True)
               for lane, (top, rows) in zip(lanes, bands, strict=True)]
    for position, (element, box, horizontal) in enumerate(shapes):
        shape = etree.Element(f"{{{BPMNDI}}}BPMNShape", id=f"{element}_di", bpmnElement=element,
                              isHorizontal=str(horizontal).lower())
        etree.SubElement(shape, f"{{{DC}}}Bounds")
        _set_bounds(shape, box)
        plane.insert(position, shape)
