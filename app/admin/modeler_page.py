"""What the modeler page hands its scripts: the addresses it talks to, the choices of its own panel (roles, services,
visibilities) and every text the scripts show, in the reader's language (the scripts carry no words of their own)."""
from __future__ import annotations

import json
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app import ui
from app.engine.services import known_services
from app.modeling import drafts
from app.models import ModelDraft, Visibility


def page_settings(key: str, draft: ModelDraft) -> dict:
    return {
        "urls": {"draft": url_for("admin.load_draft", key=key), "save": url_for("admin.save_draft", key=key),
                 "check": url_for("admin.check_draft", key=key), "deploy": url_for("admin.deploy_draft", key=key),
                 "discard": url_for("admin.discard_draft", key=key), "preview": url_for("admin.preview_form"),
                 },
        # The moddle extension of the spiffworkflow namespace, for bpmn-js to read and write the extensions.
        "descriptor": json.loads((Path(current_app.static_folder) / "spiffworkflow.json").read_text()),
        "key": key,
        "main": drafts.main_file(draft.files, key),
        "dmn_files": sorted(name for name in draft.files if name.endswith(".dmn")),
        "roles": [[role, ui.role_label(role)] for role in [*ui.Role, "system"]],
        "services": sorted(known_services()),
        "visibility": [[Visibility.ENTITY.value, _("Gewoon: de rollen van de entiteit")],
                       [Visibility.PARTICIPANTS.value, _("Vertrouwelijk: alleen de deelnemers")]],
        "texts": texts(),
    }


def draft_json(session: Session, draft: ModelDraft) -> dict:
    newer = drafts.newer_version(session, draft)
    return {"key": draft.model_key, "main": drafts.main_file(draft.files, draft.model_key), "files": draft.files,
            "forms": draft.forms, "scenarios": draft.scenarios, "note": draft.note or "",
            "base_version": draft.base_version, "updated_at": draft.updated_at.isoformat() if draft.updated_at else None,
            "newer": {"version": newer.version, "by": newer.by} if newer else None}


def texts() -> dict[str, str]:
    """The scripts' words; ``%(name)s`` marks what they fill in."""
    return {
        "loading": _("Het ontwerp wordt geladen…"),
        "saving": _("Bezig met bewaren…"), "saved": _("Bewaard om %(time)s."),
        "unsaved": _("Niet bewaarde wijzigingen."), "saveFailed": _("Bewaren mislukt: %(reason)s"),
        "notSavedForm": _("Formulier '%(name)s' heeft een fout in de JSON en werd niet bewaard."),
        "notSavedScenarios": _("De scenario's hebben een fout in de JSON en werden niet bewaard."),
        "checking": _("Bezig met controleren…"), "checkOk": _("De controle vond geen fouten."),
        "checkErrors": _("De controle vond %(count)s fout(en)."),
        "checkFailed": _("De controle kon niet lopen: %(reason)s"),
        "errors": _("Fouten"), "warnings": _("Waarschuwingen"), "scenarios": _("Scenario's"),
        "noScenarios": _("Dit model heeft geen scenario's."), "passed": _("geslaagd"), "failed": _("mislukt"),
        "goTo": _("Toon in het diagram"),
        "commentNeeded": _("Zeg in een opmerking waarom deze versie in gebruik gaat."),
        "confirmDeploy": _("De nieuwe versie is meteen in gebruik voor nieuwe processen; lopende processen blijven op "
                           "hun versie. Doorgaan?"),
        "confirmReplace": _("Versie %(version)s werd in gebruik genomen nadat u dit ontwerp begon. Uw ontwerp vervangt "
                            "ze. Doorgaan?"),
        "deploying": _("Bezig met in gebruik nemen…"),
        "deployRefused": _("Niet in gebruik genomen: het model is niet in orde. Zie de fouten."),
        "confirmDiscard": _("Het ontwerp weggooien? Uw wijzigingen gaan verloren; de versies blijven zoals ze zijn."),
        "requestFailed": _("De server antwoordde niet; probeer het opnieuw."),
        "panelNothing": _("Kies een element in het diagram."),
        "role": _("Rol van deze lane"), "otherRole": _("andere: %(name)s"),
        "form": _("Formulier"), "noForm": _("geen formulier"), "instructions": _("Uitleg voor de gebruiker"),
        "preScript": _("Script vooraf (Python)"), "postScript": _("Script achteraf (Python)"),
        "script": _("Script (Python)"), "timerType": _("Soort termijn"), "timeDuration": _("Na een duur"),
        "timeDate": _("Op een datum"), "timeCycle": _("Herhaald"),
        "timerExpression": _("Uitdrukking (Python, bv. \"P2D\" met aanhalingstekens, of een variabele)"),
        "decision": _("Beslistabel"), "noDecision": _("kies een beslistabel"), "service": _("Service"),
        "noService": _("kies een service"), "resultVariable": _("Resultaat in variabele"),
        "condition": _("Voorwaarde (Python)"), "visibility": _("Zichtbaarheid van het proces"),
        "processSettings": _("Het proces"),
        "previewFailed": _("Geen voorbeeld: %(reason)s"),
        "jsonError": _("Geen geldige JSON op regel %(line)s, kolom %(column)s."),
        "formNameBad": _("Een formuliernaam is letters, cijfers, _ en -, en bestaat nog niet."),
        "newFormTitle": _("Nieuw formulier"),
        "dmnFailed": _("De beslistabel kon niet geopend worden: %(reason)s"),
        "bpmnFailed": _("Het diagram kon niet geopend worden: %(reason)s"),
    }
