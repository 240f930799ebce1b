"""Scenario tests of a process model (the "BPMN unit tests" of spiff-arena): who starts it with what, who completes
which task with what, how far the clock moves, and where the process should have gone and stand at the end.

A scenario runs against a stored version with the real engine and the real workflow services (forms validated,
authorization checked, service tasks run, timers fired as the worker fires them), with throw-away people in a
throw-away entity, on a clock of its own, inside a savepoint that is always rolled back: nothing it does stays, no
job is enqueued and no mail leaves. The format is described in the README ("How to add a process").
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import moved_clock, now
from app.db import dropped_at_end
from app.engine import runner, timers
from app.engine.errors import EngineError, InvalidData
from app.engine.projection import all_tasks
from app.engine.specs import Problem
from app.models import ProcessInstance, ProcessModelVersion, Task, TaskState, Timer, TimerState
from app.models.dossiers import Dossier
from app.modeling import given
from app.modeling.actors import Actors, ScenarioFailed
from app.workflow import services

log = logging.getLogger(__name__)
MAX_TIMER_ROUNDS = 50  # a clock move fires what falls due, and what that makes due in turn, up to this many rounds
SAMPLE_FILE = b"%PDF-1.4\n%%EOF\n"  # what "${file}" in a task's data uploads: the smallest PDF
_DURATION = re.compile(r"^[+]?P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")


@dataclass
class ScenarioResult:
    """One scenario run: passed or not, why not (and at which element), and the elements reached, in order."""

    name: str
    passed: bool
    message: str = ""
    path: list[str] = field(default_factory=list)
    element: str | None = None


def gate(session: Session, store: Callable[[], ProcessModelVersion]) -> list[Problem]:
    """The deploy gate (app/engine/registry.py Verify): store the version in a savepoint, run its scenarios, roll
    it all back; a problem per failed scenario."""
    with throwaway(session):
        results = run_all(session, store())
    return failures(results)


def failures(results: list[ScenarioResult]) -> list[Problem]:
    """A problem per failed scenario, naming the element where it failed when known."""
    return [Problem(str(_l("Scenario '%(name)s': %(message)s", name=result.name, message=result.message)),
                    result.element) for result in results if not result.passed]


def run_all(session: Session, version: ProcessModelVersion) -> list[ScenarioResult]:
    """Every scenario stored with ``version``, by name, each on its own."""
    return [run(session, version, name, scenario) for name, scenario in sorted((version.scenarios or {}).items())]


def run(session: Session, version: ProcessModelVersion, name: str, scenario: object) -> ScenarioResult:
    """Run one scenario against ``version`` (current or not) and roll back whatever it did."""
    path: list[str] = []
    try:
        with throwaway(session), moved_clock() as move_clock, _without_the_requests_token():
            version.model.current_version = version  # what the start form and the services start from
            session.flush()
            _Run(session, version, scenario, move_clock, path).play()
    except ScenarioFailed as failed:
        return ScenarioResult(name, False, failed.message, path, failed.element)
    except Exception as exc:  # a test that breaks must fail as a test, never end the request that runs it
        log.warning("scenario %s of %s stopped: %s", name, version.model_key, type(exc).__name__)
        return ScenarioResult(name, False, str(_l("het scenario stopte op een onverwachte fout (%(kind)s)",
                                                  kind=type(exc).__name__)), path)
    return ScenarioResult(name, True, "", path)


@contextmanager
def _without_the_requests_token() -> Iterator[None]:
    """The scenario's throw-away people act, not the admin whose API request runs it: what the policy refuses to an
    API token (starting a confidential process) is decided for them as for people signed in to the site."""
    if not has_request_context() or g.get("api_user") is None:
        yield
        return
    api_user = g.pop("api_user")
    try:
        yield
    finally:
        g.api_user = api_user


@contextmanager
def throwaway(session: Session) -> Iterator[None]:
    """A savepoint that is always rolled back, with the after-commit work asked for inside it forgotten."""
    savepoint = session.begin_nested()
    try:
        with dropped_at_end(session):
            yield
    finally:
        if savepoint.is_active:
            savepoint.rollback()
        session.expire_all()


class _Run:
    """One scenario being played: its instance, its people, the path so far."""

    def __init__(self, session: Session, version: ProcessModelVersion, scenario: object,
                 move_clock: Callable[[timedelta], None], path: list[str]) -> None:
        if not isinstance(scenario, dict) or not isinstance(scenario.get("start", {} if "given" in scenario else None),
                                                             dict):
            raise ScenarioFailed(str(_l("een scenario is een object met minstens 'start' (of 'given')")))
        self.session, self.version, self.scenario, self.move_clock, self.path = (
            session, version, scenario, move_clock, path)
        self.actors = Actors(session)
        self.instance: ProcessInstance | None = None

    def play(self) -> None:
        dossier = given.make(self.session, self.actors, self.scenario.get("given"))
        if dossier is not None:
            self.actors.values["dossier.id"] = dossier.id
            self._started_from(dossier)
        else:
            self._start(self.scenario["start"])
        steps = self.scenario.get("steps") or []
        if not isinstance(steps, list):
            raise ScenarioFailed(str(_l("'steps' is een lijst")))
        for number, step in enumerate(steps, start=1):
            try:
                self._step(step)
            except ScenarioFailed as failed:
                self._walked()
                raise ScenarioFailed(str(_l("stap %(number)d: %(message)s", number=number, message=failed.message)),
                                     failed.element) from None
            except EngineError as refused:
                self._walked()
                raise ScenarioFailed(str(_l("stap %(number)d: %(message)s", number=number,
                                            message=_refusal(refused))), _element_of(step)) from None
        self._walked()
        self._check_expectations(self.scenario.get("expect") or {})

    def _start(self, start: dict) -> None:
        role, data = start.get("as"), self.actors.resolve(_object(start.get("data")))
        try:
            if self.version.start_task:
                self.instance = services.start_process(self.session, self.actors.user(role), self.version.model_key,
                                                       self.actors.entity, data)
            else:  # started by the application itself (a service, a dossier): with the data it would pass
                self.instance = runner.start(self.session, self.version, self.actors.entity.id,
                                             self.actors.user(role) if role else None, data=data)
        except EngineError as refused:
            raise ScenarioFailed(str(_l("start: %(message)s", message=_refusal(refused))),
                                 self.version.start_task or None) from None

    def _started_from(self, dossier: Dossier) -> None:
        """The process the given dossier started, as the dossier services start it (e.g. a delicate dossier's)."""
        self.instance = self.session.get(ProcessInstance, dossier.escalation_instance_id or 0)
        if self.instance is None or self.instance.model_version_id != self.version.id:
            self.instance = None
            raise ScenarioFailed(str(_l("het gegeven dossier startte dit proces niet (zijn thema's en personen "
                                        "maken het niet delicaat, of dit proces start niet vanuit een dossier)")))

    def _step(self, step: object) -> None:
        if isinstance(step, dict) and "complete" in step:
            self._complete(str(step["complete"]), step.get("as"), _object(step.get("data")))
        elif isinstance(step, dict) and "clock" in step:
            self._move_clock(str(step["clock"]))
        else:
            raise ScenarioFailed(str(_l("een stap is {\"complete\": ID, \"as\": ROL, \"data\": {...}} of "
                                        "{\"clock\": \"+P10D\" of een datum}")))

    def _complete(self, element: str, role: object, data: dict) -> None:
        task = self.session.scalar(select(Task).where(Task.instance_id == self.instance.id, Task.spec_name == element,
                                                      Task.state == TaskState.READY))
        if task is None:
            raise ScenarioFailed(str(_l("'%(element)s' staat niet klaar (wel: %(ready)s)", element=element,
                                        ready=", ".join(self._ready()) or "-")), element)
        actor = self.actors.user(role or task.lane)
        upload = services.file_store(self.session, actor, task)
        data = self.actors.resolve(data, upload=lambda: upload(None, SAMPLE_FILE, "application/pdf"))
        services.complete_task(self.session, actor, task.id, data)

    def _move_clock(self, value: str) -> None:
        delta = _clock_move(value)
        if delta is None or delta < timedelta(0):
            raise ScenarioFailed(str(_l("de klok gaat alleen vooruit: '+P10D', '+PT2H' of een latere datum met "
                                        "tijdzone ('2030-01-31T09:00:00+01:00'), niet '%(value)s'", value=value[:50])))
        self.move_clock(delta)
        self._fire_due_timers()

    def _fire_due_timers(self) -> None:
        """Fire the instance's due timers through the worker's own code (app/engine/timers.py), until none is due."""
        for _ in range(MAX_TIMER_ROUNDS):
            due = list(self.session.scalars(select(Timer.id).where(
                Timer.instance_id == self.instance.id, Timer.state == TimerState.PENDING, Timer.due_at < now())
                .order_by(Timer.due_at)))
            if not due:
                return
            for timer_id in due:
                timers.fire(self.session, timer_id, "scenario")

    def _walked(self) -> None:
        """The path: the diagram elements the instance completed, in the order it completed them."""
        self.path[:] = _path(self.instance) if self.instance is not None else []

    def _ready(self) -> list[str]:
        return sorted(self.session.scalars(select(Task.spec_name).where(Task.instance_id == self.instance.id,
                                                                        Task.state == TaskState.READY)))

    def _check_expectations(self, expect: dict) -> None:
        for check in (self._expected_path, self._not_reached, self._expected_status, self._expected_waiting,
                      self._expected_data):
            check(expect)

    def _expected_path(self, expect: dict) -> None:
        remaining = iter(self.path)
        for element in expect.get("path") or []:
            if element not in remaining:  # consumes the iterator: the expected elements must come in this order
                raise ScenarioFailed(str(_l("'%(element)s' werd niet (in die volgorde) bereikt; het pad was: "
                                            "%(path)s", element=element, path=" > ".join(self.path) or "-")), element)

    def _not_reached(self, expect: dict) -> None:
        for element in expect.get("not_reached") or []:
            if element in self.path:
                raise ScenarioFailed(str(_l("'%(element)s' werd bereikt, en dat mocht niet", element=element)),
                                     element)

    def _expected_status(self, expect: dict) -> None:
        status = expect.get("status")
        self.session.refresh(self.instance)
        if status is not None and str(self.instance.status) != status:
            raise ScenarioFailed(str(_l("de status is '%(actual)s', verwacht '%(expected)s'",
                                        actual=str(self.instance.status), expected=status)))

    def _expected_waiting(self, expect: dict) -> None:
        if "waiting_at" in expect and set(expect["waiting_at"] or []) != set(self._ready()):
            raise ScenarioFailed(str(_l("het proces wacht op %(actual)s, verwacht %(expected)s",
                                        actual=", ".join(self._ready()) or "-",
                                        expected=", ".join(sorted(expect["waiting_at"] or [])) or "-")))

    def _expected_data(self, expect: dict) -> None:
        expected = self.actors.resolve(expect.get("data") or {})
        if not expected:
            return
        actual = _final_data(self.instance)
        for key, value in expected.items():
            if actual.get(key) != value:
                raise ScenarioFailed(str(_l("gegeven '%(key)s' is %(actual)r, verwacht %(expected)r", key=key,
                                            actual=actual.get(key), expected=value)))


def _path(instance: ProcessInstance) -> list[str]:
    workflow = runner.load(instance)
    done = [task for task in all_tasks(workflow)
            if task.state == SpiffState.COMPLETED and getattr(task.task_spec, "bpmn_id", None)]
    return [task.task_spec.bpmn_id for task in sorted(done, key=lambda task: task.last_state_change)]


def _final_data(instance: ProcessInstance) -> dict:
    """The data at the end: the process's own once completed, else that of its newest task."""
    workflow = runner.load(instance)
    if workflow.completed:
        return dict(workflow.data)
    tasks = sorted(all_tasks(workflow), key=lambda task: task.last_state_change)
    return dict(tasks[-1].data) if tasks else {}


def _clock_move(value: str) -> timedelta | None:
    if value.startswith("+") and _DURATION.match(value):
        duration = TimerEventDefinition.parse_iso_duration(value[1:])
        return TimerEventDefinition.get_timedelta_from_start(duration, now())
    try:
        target = datetime.fromisoformat(value)
    except ValueError:
        return None
    return target - now() if target.tzinfo is not None else None


def _object(data: object) -> dict:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioFailed(str(_l("'data' is een object: {\"veld\": waarde}")))
    return data


def _refusal(refused: EngineError) -> str:
    """What the engine or the services said, with each field's message for refused data."""
    if isinstance(refused, InvalidData) and refused.errors:
        return "; ".join(f"{name}: {message}" for name, message in refused.errors.items())
    return str(refused.message)


def _element_of(step: object) -> str | None:
    return str(step["complete"]) if isinstance(step, dict) and "complete" in step else None

