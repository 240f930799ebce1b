"""What the retention tests share (M27): closed dossiers with every kind of secret, and the clock's moments."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import consultation, escalation, sharing
from app.dossiers import services as dossiers
from app.models.dossiers import EscalationState, EscalationSummary, SummaryShare
from tests.helpers import AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, user

KOEN = "koen.maes@omgeving.vlaanderen.example"
CANARY = "Kanarie-Bewaring Okergele Vink"


def at(day: str, hour: int = 3) -> str:
    """``day`` at ``hour`` in Brussels: after the job's hour (02:00), as the workers would run it."""
    return f"{day} {hour:02d}:00:00+01:00"


def arrange_closed(session, time_machine) -> dict[str, int]:
    """Closed on 30 Nov 2026 by the OMG confidant: a plain dossier, and a delicate one with every kind of secret (its
    requester, a note, the summary sealed for the PAPSY, a pending share of it, the consultation, a stand-in's key)."""
    time_machine.move_to(at("2026-12-01", 10))
    sofie, koen = user(session, OMG_CONFIDANT), user(session, KOEN)
    sofie_key = user_keys.create_for(session, sofie, DEMO_PASSWORD)
    user_keys.create_for(session, koen, DEMO_PASSWORD)
    for email in (OMG_PAPSY, AWV_PAPSY):
        user_keys.create_for(session, user(session, email), DEMO_PASSWORD)
    plain = dossiers.register(session, sofie, facts(["stress"], ["colleague"]))
    delicate = dossiers.register(session, sofie, facts(["sexual_harassment"], ["group"]))
    escalation.write_summary(session, sofie, delicate, f"Samenvatting {CANARY}")
    summary_id = session.scalar(select(EscalationSummary.id).where(EscalationSummary.dossier_id == delicate.id))
    session.add(SummaryShare(summary_id=summary_id, papsy_id=user(session, AWV_PAPSY).id, confidant_id=sofie.id))
    consultation.record(session, user(session, OMG_PAPSY), delicate, {"advice": f"Advies {CANARY}"})
    delicate.escalation_state = EscalationState.CONSULTED
    sharing.share_with_stand_in(session, sofie, sofie_key, delicate.id, koen, date(2026, 11, 30), "phone",
                                inactivity_id=None)
    for dossier in (plain, delicate):
        dossiers.close(session, sofie, dossier.id, date(2026, 11, 30), "resolved")
    session.commit()
    return {"plain": plain.id, "delicate": delicate.id, "key": sofie_key}


def facts(themes: list[str], persons: list[str]) -> dict:
    return {"opened_on": date(2026, 11, 2), "requester": f"{CANARY} verzoeker", "themes": themes, "persons": persons,
            "interventions": ["listening"], "note": f"Gesprek over {CANARY}"}



