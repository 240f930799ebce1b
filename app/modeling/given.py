"""What a scenario test finds already there ("given"), made inside its savepoint (app/modeling/scenarios.py) and gone
with it. For now one thing: the confidant's dossier a process such as the delicate case (startedFrom "dossier") starts
from, registered through the real dossier services, so its content is sealed as any dossier's. The throw-away
confidant and PAPSY get a key pair under a random password nobody keeps; without an active recovery key (a fresh
test database) a throw-away one is made. The dossier's text is made up here, never taken from the scenario:

    "given": {"dossier": {"themes": ["sexual_harassment"], "persons": ["colleague"]}}

``themes`` and ``persons`` are the dossier form's categorical facts; the decision table turns them into reasons.
"""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.clock import now
from app.crypto import keys, recovery, user_keys
from app.dossiers import services as dossiers
from app.models import Role
from app.models.dossiers import Dossier
from app.models.keys import RecoveryKey
from app.modeling.actors import Actors, ScenarioFailed

MADE_UP = {"requester": "Verzonnen verzoeker (scenariotest)", "note": "Verzonnen notitie van een scenariotest.",
           "interventions": ["listening"]}
_FACTS = ("themes", "persons")


def make(session: Session, actors: Actors, given: object) -> Dossier | None:
    """What ``given`` asks for; the dossier when it asks for one."""
    if given is None:
        return None
    if not isinstance(given, dict) or set(given) - {"dossier"}:
        raise ScenarioFailed(str(_l("'given' is een object met alleen 'dossier': {\"themes\": [...], "
                                    "\"persons\": [...]}")))
    return _dossier(session, actors, given["dossier"]) if "dossier" in given else None


def _dossier(session: Session, actors: Actors, facts: object) -> Dossier:
    if not isinstance(facts, dict) or set(facts) - set(_FACTS) or not all(
            isinstance(facts.get(name, []), list) for name in _FACTS):
        raise ScenarioFailed(str(_l("'dossier' is een object met 'themes' en 'persons': lijsten van codes uit "
                                    "het dossierformulier")))
    confidant = actors.user(Role.CONFIDANT)
    for person in (confidant, actors.user(Role.PAPSY)):
        if user_keys.public_key(session, person.id) is None:
            user_keys.create_for(session, person, secrets.token_urlsafe(24))
    _ensure_recovery_key(session)
    data = {**MADE_UP, "opened_on": dossiers.today(), "themes": list(facts.get("themes", [])),
            "persons": list(facts.get("persons", []))}
    try:
        dossier = dossiers.register(session, confidant, data)
    except dossiers.DossierRefused as refused:
        raise ScenarioFailed(str(_l("given: %(message)s", message=str(refused.message)))) from None
    session.flush()
    return dossier


def _ensure_recovery_key(session: Session) -> None:
    """Dossiers are also sealed for the GDPB recovery key; a test database may have none yet."""
    if recovery.current(session) is None:
        public = keys.new_key_pair().public  # its private half is thrown away: nobody opens these dossiers
        session.add(RecoveryKey(public_key=public, fingerprint=recovery.fingerprint(public), created_at=now()))
        session.flush()
