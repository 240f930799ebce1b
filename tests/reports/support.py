"""What the report tests share: a network's worth of synthetic dossiers (2025 and 2026), a small entity with fewer
than K dossiers, and one dossier registered through the dossier service whose requester and note are a canary."""
from __future__ import annotations

from datetime import date

from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import services as dossiers
from app.models import Dossier, DossierFact, Entity
from app.models.dossiers import FactKind
from app.reports import demo, services
from tests.helpers import OMG_CONFIDANT, user

CANARY = "Kanarie-Rapport Zilveren Reiger"
NOW = "2026-12-06 10:00:00+01:00"  # reported: up to the end of the third quarter of 2026
TODAY = date(2026, 12, 6)


def arrange(session, count: int = 400) -> dict:
    """``count`` synthetic dossiers over 2025-2026 (OMG and AWV), 3 dossiers of the small entity KLN in 2025, and the
    canary dossier (OMG, opened 2 March 2025)."""
    services.clear_cache()
    demo.add_dossiers(session, count, DEMO_PASSWORD, date(2026, 9, 30), years=2)
    small = Entity(code="KLN", name="Agentschap Klein")
    session.add(small)
    session.flush()
    sofie = user(session, OMG_CONFIDANT)
    for day in (date(2025, 2, 3), date(2025, 5, 6), date(2025, 8, 7)):
        dossier = Dossier(confidant_id=sofie.id, entity_id=small.id, opened_on=day)
        dossier.facts = [DossierFact(kind=FactKind.THEME, value="stress"),
                         DossierFact(kind=FactKind.PERSON, value="colleague"),
                         DossierFact(kind=FactKind.INTERVENTION, value="listening")]
        session.add(dossier)
    if user_keys.public_key(session, sofie.id) is None:
        user_keys.create_for(session, sofie, DEMO_PASSWORD)
    canary = dossiers.register(session, sofie, {
        "opened_on": date(2025, 3, 2), "requester": f"{CANARY} verzoeker", "themes": ["conflict"],
        "persons": ["colleague"], "interventions": ["listening"], "note": f"Gesprek over {CANARY}"})
    session.commit()
    return {"canary": canary.id, "small": small.id}
