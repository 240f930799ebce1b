"""Demo cases: a first look shows every state a user meets (`vertrouwd demo`, after the people and the recovery key).

- a closed process: an appointment in AWV, approved by its PAPSY (the new confidant is on the list);
- a claimed task: an appointment in OMG whose review the OMG PAPSY took up ("Ik neem dit op");
- a confidant with a certificate task: Koen Maes's basic-training deadline (R11);
- a task due soon: a delicate case of Sofie Claes, whose PAPSY has 2 working days to take it up (R9);
- a late task: a delicate case of Els De Smet that was not taken up in time and is offered to every PAPSY;
- a period of inactivity: Koen Maes (OMG) is away for two weeks from next week, Sofie Claes stands in, and the OMG
  PAPSY has the report to acknowledge (R14).

Everything goes through the real services and engine. Only time is faked, for the late case: the engine cannot
wait three days, so its task's deadline (with when it arrived and when it was offered to every PAPSY) is set in the
past and its two timers are made due; the worker then fires them, as it would have (the reminder and the offer
mails).
Each case is made once: running the demo again finds it and leaves it alone.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.accounts import entity_by_code, find_user
from app.clock import now
from app.dossiers import escalation
from app.dossiers import services as dossiers
from app.dossiers.services import today
from app.engine import timers
from app.incidents import demo as incidents_demo
from app.register import demo as register_demo
from app.intervision.demo import load_intervision_demo
from app.lifecycle import resignation_demo
from app.library.demo import load_library_demo
from app.lifecycle import inactivity
from app.lifecycle.inactivity import Report
from app.models import (
    Confidant, Dossier, InactivityPeriod, ProcessInstance, ProcessModelVersion, Task, TaskState, Timer, TimerState,
)
from app.training.services import start_training
from app.workflow import claims
from app.workflow import services as workflow

ELIGIBILITY = ("not_employer_delegate", "not_employee_representative", "not_union_delegate", "not_managerial_staff",
               "not_occupational_physician", "not_election_candidate")
OMG_SECRETARY, OMG_PAPSY = "ingrid.verhaegen@omgeving.vlaanderen.example", "luc.vandenbroeck@gdpb.vlaanderen.example"
AWV_SECRETARY, AWV_PAPSY = "bart.wouters@wegenenverkeer.vlaanderen.example", "hilde.jacobs@gdpb.vlaanderen.example"
SOFIE, ELS = "sofie.claes@omgeving.vlaanderen.example", "els.desmet@wegenenverkeer.vlaanderen.example"
KOEN = "koen.maes@omgeving.vlaanderen.example"
CLOSED_CANDIDATE = ("Lotte Janssens", "lotte.janssens@wegenenverkeer.vlaanderen.example")
CLAIMED_CANDIDATE = ("Jonas Wuyts", "jonas.wuyts@omgeving.vlaanderen.example")
LATE_BY = timedelta(days=3)


def load_demo_cases(session: Session) -> list[str]:
    """Make what is missing of the demo cases; returns a line for each case made now."""
    made = []
    for describe, exists, make in CASES:
        if not exists(session):
            make(session)
            session.flush()
            made.append(describe)
    return made + load_intervision_demo(session) + load_library_demo(session)


def _closed_appointment(session: Session) -> None:
    name, email = CLOSED_CANDIDATE
    instance = _start_appointment(session, AWV_SECRETARY, "AWV", name, email)
    workflow.complete_task(session, find_user(session, AWV_PAPSY), _open_task(session, instance).id,
                           {"decision": "approve"})


def _claimed_review(session: Session) -> None:
    name, email = CLAIMED_CANDIDATE
    instance = _start_appointment(session, OMG_SECRETARY, "OMG", name, email)
    _claim(session, find_user(session, OMG_PAPSY), _open_task(session, instance))


def _certificate_task(session: Session) -> None:
    start_training(session, session.scalar(select(Confidant).where(Confidant.email == KOEN)))


def _delicate_case_due_soon(session: Session) -> None:
    _delicate_case(session, SOFIE, "A.V.", ["sexual_harassment"], ["colleague"],
                   "Fictief demodossier: verzoekster meldt opmerkingen van een collega over haar uiterlijk.")


def _delicate_case_late(session: Session) -> None:
    dossier = _delicate_case(session, ELS, "R.M.", ["conflict"], ["department_head"],
                             "Fictief demodossier: conflict met een afdelingshoofd over de planning.")
    take_up = session.scalar(select(Task).where(Task.instance_id == dossier.escalation_instance_id,
                                                Task.spec_name == "take_up", Task.state == TaskState.READY))
    moment = now() - LATE_BY  # when the 2 working days ran out; it was offered to every PAPSY a day later
    take_up.created_at, take_up.due_at, take_up.open_to_lane_at = moment - timedelta(days=2), moment, \
        moment + timedelta(days=1)
    for timer_id in session.scalars(select(Timer.id).where(Timer.instance_id == dossier.escalation_instance_id,
                                                           Timer.state == TimerState.PENDING)):
        timers.fire_now(session, timer_id)  # the reminder and the offer: the worker sends them


def _start_appointment(session: Session, secretary: str, entity: str, name: str, email: str) -> ProcessInstance:
    data = {"candidate_name": name, "candidate_email": email, "function": "Beleidsmedewerker",
            "eoc_decision_date": (dossiers.today() - timedelta(days=21)).isoformat(), "eoc_reference": "EOC/DEMO/1",
            "employee_representatives_agreement": "all_agreed", **dict.fromkeys(ELIGIBILITY, True)}
    return workflow.start_process(session, find_user(session, secretary), "appointment",
                                  entity_by_code(session, entity), data)


def _delicate_case(session: Session, email: str, requester: str, themes: list[str], persons: list[str],
                   summary: str) -> Dossier:
    confidant = find_user(session, email)
    dossier = dossiers.register(session, confidant, {
        "opened_on": dossiers.today() - timedelta(days=7), "requester": requester, "themes": themes,
        "persons": persons, "interventions": ["listening"], "note": "Fictief demogesprek."})
    escalation.write_summary(session, confidant, dossier, summary)
    return dossier


def _claim(session: Session, papsy, task: Task) -> None:
    claims.claim(session, papsy, task.id)


def _open_task(session: Session, instance: ProcessInstance) -> Task:
    return session.scalar(select(Task).where(Task.instance_id == instance.id, Task.state == TaskState.READY))


def _appointment_of(name: str) -> Callable[[Session], bool]:
    def exists(session: Session) -> bool:
        return session.scalar(select(ProcessInstance.id).join(ProcessModelVersion).where(
            ProcessModelVersion.model_key == "appointment", ProcessInstance.subject == name).limit(1)) is not None
    return exists


def _training_of(email: str) -> Callable[[Session], bool]:
    def exists(session: Session) -> bool:
        confidant = session.scalar(select(Confidant).where(Confidant.email == email))
        return confidant is None or session.scalar(select(ProcessInstance.id).join(ProcessModelVersion).where(
            ProcessModelVersion.model_key == "training_deadline", ProcessInstance.subject == confidant.name)
            .limit(1)) is not None
    return exists


def _delicate_dossier_of(email: str) -> Callable[[Session], bool]:
    def exists(session: Session) -> bool:
        confidant = find_user(session, email)
        return confidant is None or session.scalar(select(Dossier.id).where(
            Dossier.confidant_id == confidant.id, Dossier.delicate.is_(True)).limit(1)) is not None
    return exists


def _inactivity_of(email: str) -> Callable[[Session], bool]:
    def exists(session: Session) -> bool:
        account = find_user(session, email)
        return account is None or session.scalar(select(InactivityPeriod.id).join(
            Confidant, Confidant.id == InactivityPeriod.confidant_id).where(Confidant.user_id == account.id)
            .limit(1)) is not None
    return exists


def _inactivity_with_stand_in(session: Session) -> None:
    """Reported through the real service, as Koen's page would: the process waits for its first day."""
    first = today() + timedelta(days=7 - today().weekday())
    stand_in = session.scalar(select(Confidant).where(Confidant.email == SOFIE))
    inactivity.report(session, find_user(session, KOEN), Report(first, first + timedelta(days=13), stand_in.id))


CASES = [
    ("a closed process: the appointment of Lotte Janssens (AWV), approved", _appointment_of(CLOSED_CANDIDATE[0]),
     _closed_appointment),
    ("a claimed task: the review of Jonas Wuyts's appointment (OMG), taken up by Luc Van den Broeck",
     _appointment_of(CLAIMED_CANDIDATE[0]), _claimed_review),
    ("a certificate task: Koen Maes (OMG) uploads his basic-training certificate", _training_of(KOEN),
     _certificate_task),
    ("a task due soon: Sofie Claes's delicate case waits for Luc Van den Broeck (2 working days)",
     _delicate_dossier_of(SOFIE), _delicate_case_due_soon),
    ("a late task: Els De Smet's delicate case, not taken up in time, offered to every PAPSY",
     _delicate_dossier_of(ELS), _delicate_case_late),
    (resignation_demo.DESCRIPTION, resignation_demo.exists, resignation_demo.make),
    ("a period of inactivity: Koen Maes (OMG) away for two weeks from next week, Sofie Claes stands in",
     _inactivity_of(KOEN), _inactivity_with_stand_in),
    (incidents_demo.DESCRIPTION, incidents_demo.exists, incidents_demo.make),
    (register_demo.DESCRIPTION, register_demo.exists, register_demo.make),
]
