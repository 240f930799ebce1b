"""A process model's versions: the list, and a new version deployed through the API from the BPMN, the decisions and
the forms in one request (the command line deploys files: registry.deploy_file). Running instances stay on their
version; nothing reaches users until a version is deployed, and a model with a problem is refused whole, each
problem naming its element.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.engine import registry
from app.engine.errors import InvalidData, ModelInvalid, NotAllowed, NotFound
from app.engine.specs import Problem
from app.forms import is_clean_text
from app.models import ProcessModel, ProcessModelVersion, User
from app.modeling import scenarios

MAX_XML = 2_000_000  # characters of one BPMN or DMN file
MAX_COMMENT = 500


def versions_of(session: Session, user: User, key: str) -> list[ProcessModelVersion]:
    """Every version of the model ``key``, the newest first (admins only)."""
    require_admin(user)
    model = session.get(ProcessModel, key) if is_clean_text(key) else None
    if model is None:
        raise NotFound(_l("Onbekend proces '%(key)s'.", key=key[:100]))
    return list(session.scalars(select(ProcessModelVersion).where(ProcessModelVersion.model_key == key)
                                .order_by(ProcessModelVersion.version.desc())))


def deploy_submitted(session: Session, user: User, key: str, body: dict) -> tuple[ProcessModelVersion, bool]:
    """Deploy ``body`` ({"bpmn": XML, "dmn": {NAME: XML}, "forms": {NAME: SCHEMA}, "comment": TEXT}) as the next
    version of ``key``; the files and forms it does not send are the current version's. Returns the version and
    whether it is new (an unchanged model keeps its version)."""
    require_admin(user)
    submission = read_submission(session, key, body)
    newest = submission.current.id if submission.current is not None else None
    version = registry.deploy(session, key, submission.files, submission.forms, created_by=user,
                              comment=submission.comment, scenarios=submission.scenarios, verify=scenarios.gate)
    return version, version.id != newest


@dataclass
class Submission:
    """What a deploy (or a check before one) is about: the model's files and forms as they would be deployed."""

    key: str
    files: dict[str, str]
    forms: dict[str, dict]
    comment: str | None
    current: ProcessModelVersion | None
    scenarios: dict[str, dict]


def read_submission(session: Session, key: str, body: dict) -> Submission:
    """``body`` checked (InvalidData naming each bad field) and completed with the current version's files, forms and
    scenarios it does not send."""
    bpmn, decisions, forms, comment = _submitted(body)
    sent_scenarios = _scenarios(body)
    model = session.get(ProcessModel, key) if is_clean_text(key) else None
    current = model.current_version if model is not None else None
    if key not in registry.process_ids(bpmn, executable_only=True):
        raise ModelInvalid([Problem(str(_l("Het BPMN-bestand bevat geen uitvoerbaar proces '%(key)s'.",
                                           key=key[:100])), key)])
    files = {**(current.bpmn_files if current is not None else {}), _file_name(current, key): bpmn, **decisions}
    known_forms = dict(current.forms) if current is not None else {}
    known_scenarios = dict(current.scenarios or {}) if current is not None else {}
    return Submission(key, files, {**known_forms, **forms}, comment, current,
                      sent_scenarios if sent_scenarios is not None else known_scenarios)


def require_admin(user: User) -> None:
    if not policy.can_manage_platform(user):
        raise NotAllowed(_l("Alleen een beheerder beheert de procesmodellen."))


def _submitted(body: dict) -> tuple[str, dict[str, str], dict[str, dict], str | None]:
    errors = {}
    bpmn, decisions, forms, comment = body.get("bpmn"), body.get("dmn") or {}, body.get("forms") or {}, body.get("comment")
    if not isinstance(bpmn, str) or not bpmn.strip() or len(bpmn) > MAX_XML:
        errors["bpmn"] = _l("Geef het BPMN-bestand als tekst (XML).")
    if not isinstance(decisions, dict) or not all(isinstance(name, str) and isinstance(xml, str) and len(xml) <= MAX_XML
                                                  for name, xml in decisions.items()):
        errors["dmn"] = _l("Geef de beslistabellen als {naam: XML}.")
    if not isinstance(forms, dict) or not all(isinstance(name, str) and isinstance(schema, dict)
                                              for name, schema in forms.items()):
        errors["forms"] = _l("Geef de formulieren als {naam: JSON Schema}.")
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT or not is_clean_text(comment)):
        errors["comment"] = _l("Een opmerking is tekst van hoogstens %(max)d tekens.", max=MAX_COMMENT)
    if errors:
        raise InvalidData({name: str(message) for name, message in errors.items()})
    decisions = {name if name.endswith(".dmn") else f"{name}.dmn": xml for name, xml in decisions.items()}
    return bpmn, decisions, {name: _form(schema) for name, schema in forms.items()}, (comment or "").strip() or None


def _scenarios(body: dict) -> dict[str, dict] | None:
    """The scenarios sent ({name: scenario}), None when none were sent (the current version's stay)."""
    sent = body.get("scenarios")
    if sent is None:
        return None
    if not isinstance(sent, dict) or not all(isinstance(name, str) and is_clean_text(name) and 0 < len(name) <= 100
                                             and isinstance(scenario, dict) for name, scenario in sent.items()):
        raise InvalidData({"scenarios": str(_l("Geef de scenario's als {naam: scenario}."))})
    if len(json.dumps(sent)) > MAX_XML:
        raise InvalidData({"scenarios": str(_l("De scenario's zijn te groot."))})
    return sent


def _form(schema: dict) -> dict:
    """A form as a version keeps it: its JSON Schema and its UI schema (sent as {"schema", "ui"}, or the schema)."""
    if "schema" in schema and set(schema) <= {"schema", "ui"}:
        return {"schema": schema["schema"], "ui": schema.get("ui") or {}}
    return {"schema": schema, "ui": {}}


def _file_name(current: ProcessModelVersion | None, key: str) -> str:
    """The name of the file that defines ``key`` in the current version (the new XML takes its place)."""
    for name, xml in (current.bpmn_files.items() if current is not None else ()):
        if name.endswith(".bpmn") and key in registry.process_ids(xml):
            return name
    return f"{key}.bpmn"

