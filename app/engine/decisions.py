"""Decision tables (DMN) evaluated outside a running workflow, with the sandbox, from a deployed version.

A dossier's save asks whether it is delicate (R9) before any process runs; the table is the one deployed with
the process model (``bpmn/*.dmn`` travels with every version), so an admin's new version changes the answer.
"""
from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from sqlalchemy.orm import Session

from app.engine import registry
from app.engine.errors import ProcessFailed
from app.engine.sandbox import SandboxedScriptEngine


def decide(session: Session, model_key: str, decision_id: str, data: dict) -> dict:
    """The outputs of ``decision_id`` (deployed with ``model_key``'s current version) for ``data``."""
    version = registry.current_version(session, model_key)
    engine = _engine(version.id, version.checksum, decision_id, _decision_files(version.bpmn_files))
    context = SimpleNamespace(data=dict(data), workflow=SimpleNamespace(script_engine=SandboxedScriptEngine()))
    try:
        return engine.result(context)
    except Exception as exc:  # a broken cell: the model's fault, told by type only
        raise ProcessFailed(f"beslissingstabel {decision_id} faalde") from exc


def _decision_files(files: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name, text) for name, text in files.items() if name.endswith(".dmn")))


@lru_cache(maxsize=16)
def _engine(version_id: int, checksum: str, decision_id: str, dmn_files: tuple[tuple[str, str], ...]):
    parser = SpiffBpmnParser()
    for name, text in dmn_files:
        parser.add_dmn_str(text.encode(), filename=name)
    return parser.get_engine(decision_id, None)
