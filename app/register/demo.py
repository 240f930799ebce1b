"""Demo of the register of facts by third parties (R20) and the contacts with the PAPSY (R21), part of `vertrouwd
demo`: Sofie Claes (OMG) recorded seven fictitious facts last year, one with a prevention measure to follow up in
two weeks, and logged three contacts with Luc Van den Broeck; last year's register report of Omgeving is then there
for Luc and Ingrid Verhaegen. Made once: running the demo again finds it and leaves it alone."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.accounts import find_user
from app.contacts import services as contacts
from app.dossiers.services import today
from app.models import Confidant, ThirdPartyFact
from app.register import facts, measures

SOFIE, LUC = "sofie.claes@omgeving.vlaanderen.example", "luc.vandenbroeck@gdpb.vlaanderen.example"
DESCRIPTION = ("a register of facts by third parties: Sofie Claes (OMG) recorded seven last year, one measure to "
               "follow up; three contacts with Luc Van den Broeck")
# (month, day, kind, context, third party, victim's function): fictitious, spread over the quarters
FACTS = [(2, 3, "violence", "counter", "citizen", "counter_staff"), (3, 17, "violence", "counter", "citizen", None),
         (5, 6, "undesirable_behaviour", "phone", "client", "call_centre"),
         (6, 20, "violence", "on_the_road", "road_user", "field_worker"),
         (9, 9, "harassment", "online", "citizen", None), (10, 14, "violence", "counter", "citizen", "counter_staff"),
         (11, 25, "undesirable_behaviour", "site_visit", "contractor", "inspector")]


def exists(session: Session) -> bool:
    return session.scalar(select(ThirdPartyFact.id).join(Confidant, Confidant.id == ThirdPartyFact.confidant_id)
                          .where(Confidant.email == SOFIE).limit(1)) is not None


def make(session: Session) -> None:
    sofie, luc, year = find_user(session, SOFIE), find_user(session, LUC), today().year - 1
    recorded = [facts.record_fact(session, sofie, facts.FactInput(
        occurred_on=date(year, month, day), kind=kind, context=context, third_party=third_party,
        victim_function=function, description=f"Fictief demofeit {number}: een voorbeeld, geen echt voorval."))
        for number, (month, day, kind, context, third_party, function) in enumerate(FACTS, start=1)]
    measures.propose(session, sofie, recorded[0].id, measures.MeasureInput(
        proposal="Een tweede medewerker aan het loket tijdens de piekuren, en een alarmknop.",
        owner="Dienst facilitair beheer", follow_up_on=today() + timedelta(days=14)))
    for days_ago, kind in ((90, "consultation"), (40, "phone"), (10, "meeting")):
        contacts.log_contact(session, sofie, contacts.ContactInput(held_on=today() - timedelta(days=days_ago),
                                                                   kind=kind, other_id=luc.id))
