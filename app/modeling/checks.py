"""Everything checked before a version of a process model is deployed, in one report: the problems that block the
deploy (each naming its diagram element), warnings that do not, and the model's scenario tests with their results.
The modeler shows the report before an admin deploys; the API answers it at POST /process-models/<key>/checks."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.engine import registry
from app.engine.errors import ModelInvalid
from app.engine.specs import Problem
from app.models import User
from app.modeling import scenarios
from app.modeling.scenarios import ScenarioResult
from app.modeling.validation import validate
from app.modeling.versions import read_submission, require_admin

__all__ = ["CheckReport", "ScenarioResult", "check_submission"]


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)  # block a deploy
    warnings: list[Problem] = field(default_factory=list)  # shown, do not block
    scenarios: list[ScenarioResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the version may be deployed: no problem and every scenario passed."""
        return not self.problems and all(result.passed for result in self.scenarios)

    def as_json(self) -> dict:
        return {
            "errors": [_item(problem) for problem in self.problems],
            "warnings": [_item(warning) for warning in self.warnings],
            "scenarios": [{"name": result.name, "passed": result.passed, "message": result.message,
                           "path": list(result.path)} for result in self.scenarios],
        }


def _item(problem: Problem) -> dict:
    return {"element": getattr(problem, "element", None), "message": str(problem)}


def check_submission(session: Session, user: User, key: str, body: dict) -> CheckReport:
    """Check ``body`` (the body of POST /process-models/<key>/versions, plus optional "scenarios") as a deploy would,
    and run its scenarios, without deploying anything or changing the database. Admins only."""
    require_admin(user)
    try:
        submission = read_submission(session, key, body)
    except ModelInvalid as refused:
        return CheckReport(problems=[_as_problem(problem) for problem in refused.problems])
    checked = validate(key, submission.files, submission.forms)
    report = CheckReport(problems=list(checked.problems), warnings=list(checked.warnings))
    if not submission.scenarios:
        report.warnings.append(Problem(str(_l("Dit proces heeft geen scenario's: niets test het voor het in gebruik "
                                              "gaat."))))
    if report.problems:
        return report
    with scenarios.throwaway(session):
        try:
            version = registry.deploy(session, key, submission.files, submission.forms, created_by=user,
                                      scenarios=submission.scenarios)
        except ModelInvalid as refused:  # what only storing finds (the texts' translations)
            report.problems.extend(_as_problem(problem) for problem in refused.problems)
            return report
        report.scenarios = scenarios.run_all(session, version)
    report.problems.extend(scenarios.failures(report.scenarios))
    return report


def _as_problem(problem: str) -> Problem:
    return problem if isinstance(problem, Problem) else Problem(str(problem))
