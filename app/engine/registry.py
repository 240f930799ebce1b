"""Process model versions in the database: import bpmn/ and forms/, deploy a new version, find the current one."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

from flask_babel import lazy_gettext as _l
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.engine.errors import ModelInvalid, NotFound
from app.engine.serialization import dump_spec
from app.engine.specs import ParsedModel, Problem, form_name, user_task_form
from app.forms import is_clean_text
from app.model_texts import catalogs
from app.models import ProcessModel, ProcessModelVersion, User
from app.modeling.validation import validate

SCENARIO_FOLDER = "scenarios"  # beside the BPMN files: scenarios/<process key>/<name>.json
_CALLED = re.compile(r'calledElement="([^"]+)"')
# A decision table a process uses: a business rule task's calledDecisionId, or a process property naming one that
# the services evaluate (app/engine/decisions.py).
_DECISION_REF = re.compile(r'calledDecisionId="([^"]+)"|name="decisionTable" value="([^"]+)"')
_DECISION_ID = re.compile(r'<(?:\w+:)?decision\s[^>]*\bid="([^"]+)"')


# Runs the scenarios of a version about to be deployed (app/modeling/scenarios.py gate): given a function that stores
# the version, it answers the scenarios' failures as problems, and leaves nothing behind.
Verify = Callable[[Session, Callable[[], ProcessModelVersion]], list[Problem]]


def deploy(session: Session, key: str, files: dict[str, str], forms: dict[str, dict],
           created_by: User | None = None, translations: catalogs.Translations | None = None,
           comment: str | None = None, scenarios: dict[str, dict] | None = None,
           verify: Verify | None = None) -> ProcessModelVersion:
    """Store ``files`` as the next version of ``key``; the current version again when nothing changed.

    ``translations`` (locale -> Dutch text -> text) may hold more than this model: the version keeps its own texts'.
    Without them, the current version's translations carry over to the texts that stay. ``scenarios`` (name ->
    scenario; None: the current version's) are kept with the version; ``verify`` runs them first and refuses the
    version when one fails.
    """
    checked = validate(key, files, forms)
    if checked.problems:
        raise ModelInvalid(checked.problems)
    parsed = checked.parsed
    forms = _referenced_forms(parsed, forms)
    model = session.get(ProcessModel, key)
    if translations is None and model is not None and model.current_version is not None:
        translations = model.current_version.translations
    if scenarios is None and model is not None and model.current_version is not None:
        scenarios = model.current_version.scenarios
    translations = catalogs.for_version(translations or {}, files, forms)
    if problems := catalogs.placeholder_problems(translations):
        raise ModelInvalid(problems)
    checksum = _checksum(files, forms, translations, scenarios)
    if model is not None and model.current_version is not None and model.current_version.checksum == checksum:
        return model.current_version

    def store() -> ProcessModelVersion:
        return _store(session, parsed, files, forms, translations, scenarios, checksum, created_by, comment)

    if verify is not None and (failures := verify(session, store)):
        raise ModelInvalid(failures)
    return store()


def _store(session: Session, parsed: ParsedModel, files: dict[str, str], forms: dict[str, dict],
           translations: catalogs.Translations, scenarios: dict[str, dict] | None, checksum: str,
           created_by: User | None, comment: str | None) -> ProcessModelVersion:
    """The new version, made current (the model too when it is new)."""
    model = session.get(ProcessModel, parsed.key)
    if model is None:
        model = ProcessModel(key=parsed.key, name=parsed.name)
        session.add(model)
    version = ProcessModelVersion(
        model_key=parsed.key, version=_next_version_number(session, parsed.key), bpmn_files=files, forms=forms,
        translations=translations or None, scenarios=scenarios or None,
        spec_json=dump_spec(parsed.spec, parsed.subprocess_specs), checksum=checksum,
        start_task=parsed.start_task, start_roles=parsed.start_roles, visibility=parsed.visibility,
        created_by_id=created_by.id if created_by else None, comment=comment,
    )
    session.add(version)
    session.flush()
    model.name = parsed.name
    model.current_version = version
    session.flush()
    return version


def import_directory(session: Session, bpmn_dir: Path, forms_dir: Path) -> list[ProcessModelVersion]:
    """Deploy every executable process in ``bpmn_dir`` with the translations beside the models and their scenarios
    (idempotent: unchanged models keep their version). The scenarios are kept, not run: pytest runs them."""
    return [version for path in sorted(bpmn_dir.glob("*.bpmn")) for version in deploy_file(session, path, forms_dir)]


def deploy_file(session: Session, path: Path, forms_dir: Path, comment: str | None = None,
                created_by: User | None = None, verify: Verify | None = None) -> list[ProcessModelVersion]:
    """Deploy the executable processes of the BPMN file ``path``, with the processes they call and the decisions
    they use from the files beside it, the forms of ``forms_dir``, the translations of both folders and each
    process's scenarios (``scenarios/<key>/*.json`` beside the file)."""
    sources = {other.name: other.read_text() for other in sorted(path.parent.glob("*.bpmn"))}
    decisions = {other.name: other.read_text() for other in sorted(path.parent.glob("*.dmn"))}
    forms = load_forms(forms_dir)
    translations = catalogs.merged(catalogs.read_folder(path.parent / catalogs.CATALOG_FOLDER),
                                   catalogs.read_folder(forms_dir / catalogs.CATALOG_FOLDER))
    xml = sources.get(path.name) or path.read_text()
    versions = []
    for key in process_ids(xml, executable_only=True, file_name=path.name):
        called = _called_files(xml, sources)
        files = {path.name: xml, **called, **_used_decisions([xml, *called.values()], decisions)}
        versions.append(deploy(session, key, files, forms, created_by, translations, comment,
                               scenarios=load_scenarios(path.parent / SCENARIO_FOLDER / key), verify=verify))
    return versions


def load_scenarios(folder: Path) -> dict[str, dict]:
    """Every scenario in ``folder`` (one JSON file each, named after the file), none when there is no such folder."""
    scenarios = {}
    for path in sorted(folder.glob("*.json")):
        try:
            scenarios[path.stem] = json.loads(path.read_text())
        except ValueError as exc:
            raise ModelInvalid([Problem(str(_l("Scenario '%(name)s' is geen geldige JSON: %(reason)s", name=path.name,
                                               reason=exc)))]) from exc
    return scenarios


def process_ids(xml: str, executable_only: bool = False, file_name: str = "") -> list[str]:
    """The process ids a BPMN file defines, as the parser reads them."""
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_str(xml.encode(), filename=file_name or None)
    except Exception as exc:  # lxml and Spiff raise various errors for a broken file
        raise ModelInvalid([Problem(f"{file_name or 'BPMN'}: kan niet gelezen worden: {exc}")]) from exc
    return parser.get_process_ids() if executable_only else list(parser.process_parsers)


def load_forms(forms_dir: Path) -> dict[str, dict]:
    """Every form in ``forms_dir`` as name -> {"schema": ..., "ui": ...}."""
    forms: dict[str, dict] = {}
    for path in sorted(forms_dir.glob("*.schema.json")):
        name = form_name(path.name)
        ui_path = forms_dir / f"{name}.uischema.json"
        forms[name] = {
            "schema": json.loads(path.read_text()),
            "ui": json.loads(ui_path.read_text()) if ui_path.exists() else {},
        }
    return forms


def current_version(session: Session, key: str) -> ProcessModelVersion:
    model = session.get(ProcessModel, key) if is_clean_text(key) else None
    if model is None or model.current_version is None:
        raise NotFound(f"Onbekend proces '{key}'.")
    return model.current_version


def list_models(session: Session) -> list[ProcessModel]:
    return list(session.scalars(select(ProcessModel).order_by(ProcessModel.name)))


def _called_files(xml: str, sources: dict[str, str], seen: set[str] | None = None) -> dict[str, str]:
    """The BPMN files that define the processes ``xml`` calls, transitively."""
    seen = seen if seen is not None else set()
    found: dict[str, str] = {}
    for called in _CALLED.findall(xml):
        for file_name, other in sources.items():
            if file_name not in seen and called in process_ids(other, file_name=file_name):
                seen.add(file_name)
                found[file_name] = other
                found.update(_called_files(other, sources, seen))
    return found


def _used_decisions(xmls: list[str], decisions: dict[str, str]) -> dict[str, str]:
    """The DMN files defining a decision that one of ``xmls`` refers to."""
    wanted = {ref for xml in xmls for pair in _DECISION_REF.findall(xml) for ref in pair if ref}
    return {name: text for name, text in decisions.items() if wanted & set(_DECISION_ID.findall(text))}


def _referenced_forms(parsed: ParsedModel, forms: dict[str, dict]) -> dict[str, dict]:
    names = set()
    for process_spec in [parsed.spec, *parsed.subprocess_specs.values()]:
        for task_spec in process_spec.task_specs.values():
            if hasattr(task_spec, "extensions") and (name := user_task_form(task_spec)):
                names.add(name)
                if shown := task_spec.extensions.get("properties", {}).get("showDataOfForm"):
                    names.add(shown)
    return {name: forms[name] for name in sorted(names) if name in forms}


def _checksum(files: dict[str, str], forms: dict[str, dict], translations: catalogs.Translations,
              scenarios: dict[str, dict] | None = None) -> str:
    content = {"files": files, "forms": forms, **({"translations": translations} if translations else {}),
               **({"scenarios": scenarios} if scenarios else {})}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _next_version_number(session: Session, key: str) -> int:
    latest = session.scalar(select(func.max(ProcessModelVersion.version)).where(ProcessModelVersion.model_key == key))
    return (latest or 0) + 1
