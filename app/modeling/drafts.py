"""Drafts: one admin's unfinished change to a process model, kept on the server while the modeler and the form editor
work on it. Nobody else sees it (not even another admin) and nothing of it reaches users until it is deployed as the
model's next version (app/modeling/versions.py). A draft remembers the version it began from, so that a version
deployed meanwhile by someone else is said, and not overwritten unless the admin says so."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.engine.errors import Conflict, InvalidData, NotAllowed, NotFound
from app.forms import is_clean_text
from app.modeling import versions
from app.modeling.layout import with_diagram
from app.models import ModelDraft, ProcessModel, ProcessModelVersion, User

MAX_FILES = 20
MAX_FORMS = 100
MAX_SCENARIOS = 50
MAX_JSON = 1_000_000  # characters of all forms together, and of all scenarios together
MODEL_KEY = re.compile(r"^[a-z][a-z0-9_]{2,49}$")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.(bpmn|dmn)$")
FORM_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


@dataclass(frozen=True)
class NewerVersion:
    """A version deployed after the draft began: the draft would replace it."""

    version: int
    by: str | None
    at: object


def draft_of(session: Session, user: User, key: str) -> ModelDraft | None:
    """The admin's own draft of ``key``, or None."""
    _require_admin(user)
    return session.scalar(select(ModelDraft).where(ModelDraft.user_id == user.id, ModelDraft.model_key == key))


def drafts_of(session: Session, user: User) -> list[ModelDraft]:
    """The admin's own drafts, the most recently saved first."""
    _require_admin(user)
    return list(session.scalars(select(ModelDraft).where(ModelDraft.user_id == user.id)
                                .order_by(ModelDraft.updated_at.desc())))


def open_draft(session: Session, user: User, key: str) -> ModelDraft:
    """The admin's draft of ``key``; when there is none, a new one from the current version that is kept only when
    the admin first saves it (opening the editor changes nothing)."""
    draft = draft_of(session, user, key)
    if draft is not None:
        return draft
    model = session.get(ProcessModel, key) if is_clean_text(key) else None
    if model is None or model.current_version is None:
        raise NotFound(_l("Onbekend proces '%(key)s'.", key=key[:100]))
    current = model.current_version
    files = {name: with_diagram(xml) if name.endswith(".bpmn") else xml for name, xml in current.bpmn_files.items()}
    draft = ModelDraft(user_id=user.id, model_key=key, base_version=current.version, files=files,
                       forms=dict(current.forms), scenarios=dict(current.scenarios or {}), note=None)
    return draft


def create_model(session: Session, user: User, key: str, name: str) -> ModelDraft:
    """A draft of a new process model ``key`` (its process id) called ``name``: one lane, one step with a small
    form, ready to be drawn further. An existing model or draft of that key is refused."""
    _require_admin(user)
    key, name = (key or "").strip(), (name or "").strip()
    errors = {}
    if not MODEL_KEY.match(key):
        errors["key"] = _l("Een sleutel is 3 tot 50 kleine letters, cijfers of _, en begint met een letter.")
    elif session.get(ProcessModel, key) is not None or draft_of(session, user, key) is not None:
        errors["key"] = _l("Er bestaat al een procesmodel of ontwerp met die sleutel.")
    if not name or len(name) > 200 or not is_clean_text(name):
        errors["name"] = _l("Geef een naam van hoogstens 200 tekens.")
    if errors:
        raise InvalidData({field: str(message) for field, message in errors.items()})
    form = f"{key}_start"
    draft = ModelDraft(user_id=user.id, model_key=key, base_version=None,
                       files={f"{key}.bpmn": with_diagram(_new_model_xml(key, name, form))},
                       forms={form: {"schema": {"title": name, "type": "object", "properties": {
                           "subject": {"type": "string", "title": str(_l("Onderwerp")), "maxLength": 200}},
                           "required": ["subject"]}, "ui": {}}},
                       scenarios={}, note=None)
    session.add(draft)
    session.flush()
    return draft


def save_draft(session: Session, user: User, key: str, body: dict) -> ModelDraft:
    """Replace the parts of the draft that ``body`` sends ({"files", "forms", "scenarios", "note"}); one part that
    is not right refuses the whole save, naming each part, and nothing changes."""
    draft = open_draft(session, user, key)
    if not isinstance(body, dict):
        raise InvalidData({"body": str(_l("Stuur het ontwerp als JSON-object."))})
    errors = {part: str(message) for part, check in _CHECKS.items()
              if part in body and (message := check(body[part])) is not None}
    if "files" in body and "files" not in errors and main_file(body["files"], key) is None:
        errors["files"] = str(_l("Het ontwerp mist het BPMN-bestand met het proces '%(key)s'.", key=key))
    if errors:
        raise InvalidData(errors)
    for part in ("files", "forms", "scenarios"):
        if part in body:
            setattr(draft, part, body[part])
    if "note" in body:
        draft.note = (body["note"] or "").strip() or None
    session.add(draft)
    session.flush()
    return draft


def discard_draft(session: Session, user: User, key: str) -> None:
    """Throw the admin's draft of ``key`` away; the deployed versions stay as they are."""
    session.delete(existing_draft(session, user, key))
    session.flush()


def deploy_draft(session: Session, user: User, key: str, comment: str,
                 replace_newer: bool = False) -> tuple[ProcessModelVersion, bool]:
    """Deploy the draft as the next version of ``key`` with ``comment``; the draft is gone afterwards. A model with
    problems is refused whole (ModelInvalid, per element) and the draft stays. A draft begun before a newer version
    was deployed replaces it only with ``replace_newer``."""
    draft = existing_draft(session, user, key)
    comment = comment.strip() if isinstance(comment, str) else ""
    if not comment:
        raise InvalidData({"comment": str(_l("Zeg in een opmerking waarom deze versie in gebruik gaat."))})
    newer = newer_version(session, draft)
    if newer is not None and not replace_newer:
        raise Conflict(str(_l("Versie %(version)d werd in gebruik genomen nadat u dit ontwerp begon; bevestig dat uw "
                              "ontwerp ze vervangt.", version=newer.version)))
    version, is_new = versions.deploy_submitted(session, user, key, submission(draft, comment))
    session.delete(draft)
    session.flush()
    return version, is_new


def submission(draft: ModelDraft, comment: str | None = None) -> dict:
    """The draft as the body that versions.deploy_submitted and the checks read."""
    main = main_file(draft.files, draft.model_key)
    body = {"bpmn": draft.files.get(main, ""), "forms": draft.forms, "scenarios": draft.scenarios,
            "dmn": {name: xml for name, xml in draft.files.items() if name.endswith(".dmn")}}
    return {**body, "comment": comment} if comment else body


def newer_version(session: Session, draft: ModelDraft) -> NewerVersion | None:
    """The current version when it is newer than the one the draft began from."""
    model = session.get(ProcessModel, draft.model_key)
    current = model.current_version if model is not None else None
    if current is None or (draft.base_version is not None and current.version <= draft.base_version):
        return None
    return NewerVersion(current.version, current.created_by.name if current.created_by else None, current.created_at)


def model_exists(session: Session, key: str) -> bool:
    return is_clean_text(key) and session.get(ProcessModel, key) is not None


def model_name(session: Session, key: str) -> str:
    """The model's name, or its key while it is only a draft."""
    model = session.get(ProcessModel, key) if is_clean_text(key) else None
    return model.name if model is not None else key


def main_file(files: dict, key: str) -> str | None:
    """The name of the BPMN file that defines the process ``key`` (read loosely: a draft may be broken)."""
    pattern = re.compile(r"<(?:\w+:)?process\b[^>]*\bid=\"" + re.escape(key) + '"')
    return next((name for name, xml in sorted(files.items())
                 if name.endswith(".bpmn") and isinstance(xml, str) and pattern.search(xml)), None)


def existing_draft(session: Session, user: User, key: str) -> ModelDraft:
    """The admin's draft of ``key``; NotFound when there is none (any more)."""
    draft = draft_of(session, user, key)
    if draft is None:
        raise NotFound(_l("U hebt geen ontwerp van '%(key)s' (meer): open de editor opnieuw.", key=key[:100]))
    return draft


def _require_admin(user: User) -> None:
    if not policy.can_manage_platform(user):
        raise NotAllowed(_l("Alleen een beheerder beheert de procesmodellen."))


def _files_problem(files) -> str | None:
    if not isinstance(files, dict) or not 0 < len(files) <= MAX_FILES:
        return str(_l("Geef de bestanden als {naam: XML}, hoogstens %(max)d.", max=MAX_FILES))
    for name, xml in files.items():
        if not isinstance(name, str) or not FILE_NAME.match(name):
            return str(_l("'%(name)s' is geen geldige bestandsnaam (.bpmn of .dmn).", name=str(name)[:100]))
        if not isinstance(xml, str) or not xml.strip() or len(xml) > versions.MAX_XML or not is_clean_text(xml):
            return str(_l("%(name)s moet XML-tekst zijn van hoogstens %(max)d tekens.", name=name,
                          max=versions.MAX_XML))
    return None


def _forms_problem(forms) -> str | None:
    if not isinstance(forms, dict) or len(forms) > MAX_FORMS:
        return str(_l("Geef de formulieren als {naam: {schema, ui}}, hoogstens %(max)d.", max=MAX_FORMS))
    for name, form in forms.items():
        if not isinstance(name, str) or not FORM_NAME.match(name):
            return str(_l("'%(name)s' is geen geldige formuliernaam (letters, cijfers, _ en -).", name=str(name)[:100]))
        if not isinstance(form, dict) or set(form) - {"schema", "ui"} or not isinstance(form.get("schema"), dict) \
                or not isinstance(form.get("ui", {}), dict):
            return str(_l("Formulier '%(name)s': geef een JSON-object met een schema en een UI-schema.", name=name))
    return _size_problem(forms)


def _scenarios_problem(scenarios) -> str | None:
    if not isinstance(scenarios, dict) or len(scenarios) > MAX_SCENARIOS or not all(
            isinstance(name, str) and 0 < len(name) <= 100 and is_clean_text(name) and isinstance(scenario, dict)
            for name, scenario in scenarios.items()):
        return str(_l("Geef de scenario's als {naam: JSON-object}, hoogstens %(max)d.", max=MAX_SCENARIOS))
    return _size_problem(scenarios)


def _note_problem(note) -> str | None:
    if note is not None and (not isinstance(note, str) or len(note) > versions.MAX_COMMENT or not is_clean_text(note)):
        return str(_l("Een opmerking is tekst van hoogstens %(max)d tekens.", max=versions.MAX_COMMENT))
    return None


def _size_problem(value) -> str | None:
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > MAX_JSON or not is_clean_text(text):
        return str(_l("Te groot: hoogstens %(max)d tekens samen.", max=MAX_JSON))
    return None


_CHECKS = {"files": _files_problem, "forms": _forms_problem, "scenarios": _scenarios_problem, "note": _note_problem}


def _new_model_xml(key: str, name: str, form: str) -> str:
    """A new model: a pool with one lane (the EOC secretary starts it), a start, one step with a form, an end."""
    lane = "eoc_secretary"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="{key}_definitions"
  targetNamespace="http://vertrouwd.vlaanderen/bpmn">
  <bpmn:collaboration id="{key}_collaboration">
    <bpmn:participant id="{key}_participant" name={quoteattr(name)} processRef="{key}"/>
  </bpmn:collaboration>
  <bpmn:process id="{key}" name={quoteattr(name)} isExecutable="true">
    <bpmn:laneSet id="{key}_lanes">
      <bpmn:lane id="lane_{lane}" name="{lane}">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>first_step</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="{escape(str(_l("Start")))}">
      <bpmn:outgoing>flow_start</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="first_step" name="{escape(str(_l("Eerste stap")))}">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="{form}.schema.json"/>
          <spiffworkflow:property name="formUiSchemaFilename" value="{form}.uischema.json"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_start</bpmn:incoming><bpmn:outgoing>flow_end</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end" name="{escape(str(_l("Klaar")))}"><bpmn:incoming>flow_end</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_start" sourceRef="start" targetRef="first_step"/>
    <bpmn:sequenceFlow id="flow_end" sourceRef="first_step" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
