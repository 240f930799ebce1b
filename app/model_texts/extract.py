"""Which texts of the process models people read: BPMN names and instructions, and every form text.

The msgid of each text is the Dutch text exactly as the engine reads it (the ``name`` attribute, the text of
``spiffworkflow:instructionsForEndUser``), so a lookup at run time needs no normalising.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from app.forms.texts import form_texts

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
INSTRUCTIONS = f"{{{SPIFF_NS}}}instructionsForEndUser"
# Named BPMN elements whose name people see: the process (its name is the process's), tasks (inbox, task page,
# history, mails), events (timers), subprocesses. Lanes are role keys (labelled by the UI catalog); gateways,
# sequence flows, participants and DMN texts are never shown.
_SHOWN_EXACT = frozenset({"process", "task", "subProcess", "callActivity", "transaction"})
_SHOWN_SUFFIXES = ("Task", "Event")
# Jinja in instructions: a translation keeps every expression and statement (the data it shows, its conditions).
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


@dataclass(frozen=True)
class ModelText:
    text: str
    where: str  # file and element (or JSON pointer), for the translator's reference


def placeholders(text: str) -> list[str]:
    """The Jinja expressions and statements of a text, whitespace-insensitive and sorted."""
    return sorted(re.sub(r"\s+", "", match) for match in _JINJA.findall(text))


def bpmn_texts(file_name: str, xml: str) -> list[ModelText]:
    """The names and instructions people see in one BPMN file (a DMN file has none)."""
    if file_name.endswith(".dmn"):
        return []
    root = etree.fromstring(xml.encode())
    found = []
    for element in root.iter(etree.Element):
        local = etree.QName(element).localname
        name = element.get("name")
        if name and name.strip() and (local in _SHOWN_EXACT or local.endswith(_SHOWN_SUFFIXES)):
            found.append(ModelText(name, f"{file_name}:{element.get('id', local)}"))
        if element.tag == INSTRUCTIONS and element.text and element.text.strip():
            owner = element.getparent().getparent()
            found.append(ModelText(element.text, f"{file_name}:{owner.get('id', '')}:instructions"))
    return found


def form_file_texts(name: str, form: dict) -> list[ModelText]:
    """The texts of one form ({"schema": ..., "ui": ...}) with where they are."""
    return [ModelText(text, f"{name}{'.uischema' if where.startswith('ui') else '.schema'}.json:"
                            f"{where.removeprefix('ui') or '/'}")
            for where, text in form_texts(form.get("schema"), form.get("ui"))]


def version_texts(files: dict[str, str], forms: dict[str, dict]) -> list[ModelText]:
    """Every text of a model version: its BPMN files and its forms."""
    found = [text for file_name, xml in sorted(files.items()) for text in bpmn_texts(file_name, xml)]
    found += [text for name, form in sorted(forms.items()) for text in form_file_texts(name, form)]
    return found


def distinct(texts: Iterable[ModelText]) -> dict[str, list[str]]:
    """Each text once, with all the places it occurs (in order of appearance)."""
    found: dict[str, list[str]] = {}
    for text in texts:
        found.setdefault(text.text, []).append(text.where)
    return found


def folder_texts(bpmn_dir: Path, forms_dir: Path) -> tuple[list[ModelText], list[ModelText]]:
    """The texts of every model in the folders: (those of bpmn/*.bpmn, those of forms/*.json)."""
    bpmn = [text for path in sorted(bpmn_dir.glob("*.bpmn")) for text in bpmn_texts(path.name, path.read_text())]
    forms = []
    for path in sorted(forms_dir.glob("*.schema.json")):
        name = path.name.removesuffix(".schema.json")
        ui_path = forms_dir / f"{name}.uischema.json"
        ui = json.loads(ui_path.read_text()) if ui_path.exists() else {}
        forms += form_file_texts(name, {"schema": json.loads(path.read_text()), "ui": ui})
    return bpmn, forms
