"""The task screens of the yearly sharing (R8): the confidant sees the year's dossiers they marked as a repeated
incident, by their categorical facts, above the account's form; the PAPSY of the entity reads the account, opened
with their own key (audited), above the acknowledgement."""
from __future__ import annotations

from functools import lru_cache

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy.orm import Session

from app import model_texts
from app.auth import login_steps, policy
from app.crypto.keys import CryptoError
from app.forms import FormDefinition, load_form
from app.incidents import account, sharing as sharing_process
from app.incidents.services import repeated_dossiers
from app.models import Confidant, Task, TaskState, User
from app.workflow.panels import task_panel


@task_panel(sharing_process.MODEL)
def incident_sharing(session: Session, user: User, task: Task) -> Markup | None:
    sharing = account.sharing_of(session, task.instance_id)
    if sharing is None:
        return None
    if task.spec_name == "share_incidents":
        return _dossiers_panel(session, user, task, sharing)
    if task.spec_name == "acknowledge_incidents":
        return _account_panel(session, user, task, sharing)
    return None


def _dossiers_panel(session: Session, user: User, task: Task, sharing) -> Markup | None:
    owner = account.confidant_user_id(session, sharing)
    if not policy.can_write_incident_account(user, owner):
        return None
    return Markup(render_template("incidents/_dossiers_panel.html", year=sharing.year,
                                  dossiers=repeated_dossiers(session, owner, sharing.year),
                                  form=_form("dossier"), close_form=_form("dossier_close")))


def _account_panel(session: Session, user: User, task: Task, sharing) -> Markup | None:
    may_read = policy.can_complete(user, task) if task.state == TaskState.READY else task.completed_by_id == user.id
    if not may_read or not policy.can_read_incident_account(user, sharing.entity_id):
        return None
    private = login_steps.private_key()
    try:
        text = account.read_account(session, user, sharing, private)
    except CryptoError:
        text = None
    confidant = session.get(Confidant, sharing.confidant_id)
    return Markup(render_template("incidents/_account_panel.html", sharing=sharing, confidant=confidant, text=text,
                                  has_key=private is not None, sealed_for_me=account.sealed_for(session, user, sharing)))


def _form(name: str) -> FormDefinition:
    return _form_in(name, model_texts.current_locale())


@lru_cache(maxsize=8)
def _form_in(name: str, locale: str) -> FormDefinition:
    """The dossier forms, for the labels of the categorical facts."""
    forms_dir = current_app.extensions["vertrouwd_settings"].forms_dir
    return load_form(forms_dir, name, model_texts.for_folder(forms_dir, locale))
