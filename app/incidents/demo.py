"""Demo of the yearly sharing of repeated incidents (R8), part of `vertrouwd demo`: this year's sharing, opened now
(the demo moves its clock to 1 December when that is still ahead), for Els De Smet (AWV), whose task lists her two
repeated-incident dossiers, and for Sofie Claes (OMG), who submitted her account: Luc Van den Broeck has it to
acknowledge. Made once: running the demo again finds it and leaves it alone."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.accounts import find_user
from app.clock import moved_clock, now
from app.dossiers import services as dossiers
from app.engine import runner
from app.incidents import services, sharing
from app.models import Confidant, IncidentSharing, ProcessInstance, Task, TaskState
from app.workflow import services as workflow

SOFIE, ELS = "sofie.claes@omgeving.vlaanderen.example", "els.desmet@wegenenverkeer.vlaanderen.example"
DESCRIPTION = ("repeated incidents: Els De Smet (AWV) shares hers; Sofie Claes's account (OMG) waits for Luc Van den "
               "Broeck's acknowledgement")
ACCOUNT = ("Fictief demoverslag: twee meldingen van pesterijen in dezelfde dienst, telkens na een wijziging van de "
           "planning; luistergesprekken en een bemiddeling.")


def exists(session: Session) -> bool:
    return session.scalar(select(IncidentSharing.id).join(Confidant, Confidant.id == IncidentSharing.confidant_id)
                          .where(Confidant.email == ELS).limit(1)) is not None


def make(session: Session) -> None:
    year = services.this_year()
    for email, repeated in ((ELS, 2), (SOFIE, 1)):
        confidant = find_user(session, email)
        for number in range(repeated):
            dossiers.register(session, confidant, _facts(year, number))
        started = sharing.start_for(session, session.scalar(select(Confidant).where(Confidant.user_id ==
                                                                                     confidant.id)), year)
        if started is not None:
            _open_now(session, session.get(ProcessInstance, started.instance_id), year)
    sofie = find_user(session, SOFIE)
    task = session.scalar(select(Task).where(Task.spec_name == "share_incidents", Task.state == TaskState.READY,
                                             Task.assignee_id == sofie.id))
    if task is not None:
        workflow.complete_task(session, sofie, task.id, {"account": ACCOUNT})


def _open_now(session: Session, instance: ProcessInstance, year: int) -> None:
    """Fire the instance's start on 1 December 09:00, the clock moved there when it is still ahead."""
    with moved_clock() as move:
        ahead = services.opens_at(year) - now()
        if ahead > timedelta(0):
            move(ahead + timedelta(seconds=1))
        runner.fire_timers(session, instance)


def _facts(year: int, number: int) -> dict:
    today = dossiers.today()
    opened = max(today - timedelta(days=30 + 20 * number), date(year, 1, 1))
    return {"opened_on": opened, "requester": "Fictieve verzoeker", "themes": ["bullying"], "persons": ["colleague"],
            "interventions": ["listening"], "note": "Fictief demogesprek.", "repeated_incident": True}
