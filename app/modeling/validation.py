"""The checks every deploy goes through (the API, the command line, `vertrouwd init`, the modeler's check): the
engine's own (app/engine/specs.py: it parses; lanes are roles; forms exist and are valid; services exist; every
script, condition and timer compiles in the sandbox), the references between files and bpmnlint's rules."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.engine.specs import ParsedModel, Problem, parse_model
from app.modeling.lint import lint
from app.modeling.references import reference_problems


@dataclass
class Validation:
    parsed: ParsedModel
    problems: list[Problem] = field(default_factory=list)  # refuse the deploy
    warnings: list[Problem] = field(default_factory=list)  # worth a look; do not refuse it


def validate(key: str, files: dict[str, str], forms: dict[str, dict]) -> Validation:
    """Every problem and warning of the model ``key`` made of ``files`` (BPMN and DMN by file name) and ``forms``."""
    problems = reference_problems(files)
    warnings: list[Problem] = []
    for name, xml in sorted(files.items()):
        if not name.endswith(".dmn"):
            found, noted = lint(xml)
            problems.extend(found)
            warnings.extend(noted)
    parsed = parse_model(key, files, forms)
    if problems and parsed.spec is None:  # the parser stumbled over what is named above already
        return Validation(parsed, problems, warnings)
    return Validation(parsed, [*problems, *parsed.problems], warnings)
