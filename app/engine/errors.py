"""What the engine and the workflow services refuse, each with a message fit to show the user."""
from __future__ import annotations


class EngineError(Exception):
    """Base of every refusal; ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(EngineError):
    status = 404


class NotAllowed(EngineError):
    status = 403


class TaskNotReady(EngineError):
    """The task was completed or cancelled meanwhile, or never belonged to this instance."""

    status = 409


class Conflict(EngineError):
    """Someone else saved the instance first (optimistic locking)."""

    status = 409


class InvalidData(EngineError):
    """Form data that does not validate; ``errors`` maps field -> message."""

    status = 422

    def __init__(self, errors: dict[str, str], message: str = "De gegevens zijn niet volledig of niet juist.") -> None:
        super().__init__(message)
        self.errors = errors


class ModelInvalid(EngineError):
    """A process model that is not accepted; ``problems`` lists every reason."""

    status = 422

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class ProcessFailed(EngineError):
    """A script, condition or service task failed while the engine ran."""

    status = 500
