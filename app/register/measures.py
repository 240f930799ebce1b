"""Prevention measures after a third-party fact (R20): the confidant proposes one (what, who at the entity takes it
up, when to follow it up); its process (bpmn/prevention_measure.bpmn) gives the confidant a task on that date, with
a reminder a week later while it is open; the task's form records the outcome, kept here in the measure's row.

A measure is written for the entity, so it is in clear; the process carries only ids and dates (``start``), and
the outcome's text stays out of the workflow (``keep_outcome``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import process_settings
from app.dossiers.services import today
from app.engine import registry, runner
from app.engine.errors import InvalidData
from app.engine.services import ServiceContext, service
from app.models import MeasureState, PreventionMeasure, Task, ThirdPartyFact, User
from app.register import facts
from app.workflow.keepers import data_keeper
from app.workflow.panels import task_panel

MODEL_KEY = "prevention_measure"
FORM = "prevention_measure_outcome"
FOLLOW_UP = "follow_up_measure"
REMINDER_DAYS = 7
TEXT_LIMIT = 1000
OWNER_LIMIT = 200
LATEST_FOLLOW_UP = timedelta(days=3 * 366)


@dataclass(frozen=True)
class MeasureInput:
    proposal: str
    owner: str
    follow_up_on: date


def parse_measure(form) -> tuple[MeasureInput | None, dict[str, str], dict[str, str]]:
    """The proposal form: (the input, or None; the values typed; a message per field)."""
    values = {"proposal": (form.get("proposal") or "").strip(), "owner": (form.get("owner") or "").strip(),
              "follow_up_on": (form.get("follow_up_on") or "").strip()[:20]}
    errors: dict[str, str] = {}
    if not values["proposal"]:
        errors["proposal"] = str(_l("Beschrijf de maatregel die u voorstelt."))
    elif len(values["proposal"]) > TEXT_LIMIT:
        errors["proposal"] = str(_l("Hoogstens %(limit)d tekens.", limit=TEXT_LIMIT))
    if not values["owner"]:
        errors["owner"] = str(_l("Geef wie de maatregel opneemt bij de entiteit (een dienst of een functie)."))
    elif len(values["owner"]) > OWNER_LIMIT:
        errors["owner"] = str(_l("Hoogstens %(limit)d tekens.", limit=OWNER_LIMIT))
    follow_up_on = _date(values["follow_up_on"])
    if follow_up_on is None:
        errors["follow_up_on"] = str(_l("Geef de datum waarop u de maatregel opvolgt."))
    elif follow_up_on < today():
        errors["follow_up_on"] = str(_l("De opvolging ligt vandaag of later."))
    elif follow_up_on > today() + LATEST_FOLLOW_UP:
        errors["follow_up_on"] = str(_l("Volg de maatregel binnen drie jaar op."))
    values = {"proposal": values["proposal"][:TEXT_LIMIT], "owner": values["owner"][:OWNER_LIMIT],
              "follow_up_on": values["follow_up_on"]}
    if errors:
        return None, values, errors
    return MeasureInput(values["proposal"], values["owner"], follow_up_on), values, {}


def propose(session: Session, user: User, fact_id: int, given: MeasureInput) -> PreventionMeasure:
    """A measure on one of the user's facts, and its follow-up process (the task on the follow-up date)."""
    fact = facts.own_fact(session, user, fact_id)
    measure = PreventionMeasure(fact_id=fact.id, proposal=given.proposal, owner=given.owner,
                                follow_up_on=given.follow_up_on, state=MeasureState.PROPOSED)
    session.add(measure)
    session.flush()
    start(session, measure, fact, user)
    return measure


def start(session: Session, measure: PreventionMeasure, fact: ThirdPartyFact, actor: User) -> None:
    """The follow-up process: its data are the measure's id, the confidant's user id and the date, nothing more."""

    def link(instance) -> None:
        measure.instance_id = instance.id  # a follow-up of today fires at once, inside ``runner.start``

    runner.start(session, registry.current_version(session, MODEL_KEY), fact.entity_id, actor, subject=None,
                 data={"measure_id": measure.id, "confidant_user_id": actor.id,
                       "follow_up_on": measure.follow_up_on.isoformat()}, created=link)


def plan(follow_up_on: date) -> dict[str, str]:
    """The task comes at 08:00 (Brussels) of the follow-up date; the reminder, and the task's due date, a week
    later. UTC, ISO, as the process's timers read them."""
    zone = ZoneInfo(process_settings().display_timezone)

    def at_eight(day: date) -> str:
        return datetime.combine(day, time(8), zone).astimezone(ZoneInfo("UTC")).isoformat()

    return {"follow_up_at": at_eight(follow_up_on),
            "reminder_at": at_eight(follow_up_on + timedelta(days=REMINDER_DAYS))}


@service("register.plan_follow_up")
def plan_service(context: ServiceContext, params: dict, data: dict) -> dict[str, str]:
    return plan(date.fromisoformat(params["follow_up_on"]))


@data_keeper(FORM)
def keep_outcome(session: Session, user: User, task: Task, data: dict) -> dict:
    """The outcome goes into the measure's row; the workflow hears only whether it was taken."""
    measure = measure_of_instance(session, task.instance_id)
    if measure is None:
        raise InvalidData({"": str(_l("Deze maatregel bestaat niet meer."))})
    measure.state = MeasureState(data["measure_state"])
    measure.outcome = str(data["outcome"]).strip()[:TEXT_LIMIT]
    measure.outcome_on = today()
    return {"measure_state": measure.state.value}


@task_panel(MODEL_KEY)
def measure_panel(session: Session, user: User, task: Task) -> Markup | None:
    """The follow-up task shows the measure (never the fact's description) to whom the task is for."""
    measure = measure_of_instance(session, task.instance_id)
    if measure is None:
        return None
    fact = session.get(ThirdPartyFact, measure.fact_id)
    return Markup(render_template("register/measure_panel.html", measure=measure, fact=fact))


def measure_of_instance(session: Session, instance_id: int) -> PreventionMeasure | None:
    return session.scalar(select(PreventionMeasure).where(PreventionMeasure.instance_id == instance_id))


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
