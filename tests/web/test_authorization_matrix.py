"""The authorization matrix: every route x every actor x own/other entity, web pages and the JSON API.

The targets live in entity OMG: an appointment started by the OMG EOC secretary with its READY review task
(scenario "review"), or the same after the PAPSY sent it back (scenario "sent_back": the correction task is READY
for the secretary, the review task is done), or a delicate case of the OMG confidant waiting for the OMG PAPSY to
take it up (scenario "delicate": a confidential process, seen only by its participants; an admin sees its status). Every cell is the expected answer; allowed POSTs must have their
effect, refused ones (and every GET) must leave the database as it was.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from datetime import date

from app.auth.accounts import create_api_token
from app.config import PROJECT_ROOT
from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import services as dossiers
from app.engine import registry
from app.engine.errors import NotAllowed
from app.mail import queue_mail
from app.models import (
    Confidant,
    Dossier,
    DossierNote,
    HistoryEvent,
    ProcessInstance,
    SavedFilter,
    SetupLink,
    Task,
    TaskState,
    User,
)
from app.workflow import claims, saved_filters, services
from tests.helpers import (
    ADMIN,
    AWV_CONFIDANT,
    AWV_PAPSY,
    AWV_SECRETARY,
    NO_TASKS,
    OMG_CONFIDANT,
    OMG_PAPSY,
    OMG_PAPSY_2,
    OMG_SECRETARY,
    appointment_data,
    appointment_form,
    csrf_token,
    colleague_papsy,
    delicate_case,
    entity,
    login,
    user,
)

ACTORS = ("anonymous", "omg_confidant", "omg_secretary", "omg_papsy", "awv_secretary", "awv_papsy", "awv_confidant",
          "admin")
EMAILS = {"omg_confidant": OMG_CONFIDANT, "omg_secretary": OMG_SECRETARY, "omg_papsy": OMG_PAPSY,
          "awv_secretary": AWV_SECRETARY, "awv_papsy": AWV_PAPSY, "awv_confidant": AWV_CONFIDANT, "admin": ADMIN}
# Redirect outcomes (302 to ...): the login page, the inbox, the target instance, a new instance, the roster.
LOGIN, INBOX, INSTANCE, NEW, ROSTER = "->login", "->inbox", "->instance", "->new instance", "->roster"
DOSSIER, NEW_DOSSIER, CODES = "->dossier", "->new dossier", "->recovery codes"
TAKE_UP_TASK = "->take-up task"
ADMINISTERED = "->instance, done"  # the admin's suspend or terminate, back on the instance page
R, S, D, H = "review", "sent_back", "delicate", "handed"
START, TASK, INST = "/processes/<key>/start", "/tasks/<id:task_id>", "/instances/<id:instance_id>"
A_INST, A_TASK, A_DONE = "/api/v1/process-instances/<id:instance_id>", "/api/v1/tasks/<id:task_id>", \
    "/api/v1/tasks/<id:task_id>/complete"
OUTBOX_MSG = "/admin/outbox/<id:message_id>"
TIMER_RETRY, TIMER_FIRE = "/admin/timers/<id:timer_id>/retry", "/admin/timers/<id:timer_id>/fire-now"
DOS = "/dossiers/<id:dossier_id>"
USER = "/admin/users/<id:user_id>"
CLAIM, RELEASE, ASSIGN = "/tasks/<id:task_id>/claim", "/tasks/<id:task_id>/release", "/tasks/<id:task_id>/assign"
FILTER_DELETE = "/inbox/filters/<id:filter_id>/delete"
MODEL_VERSIONS = "/api/v1/process-models/<key>/versions"

# method, url_map rule, url, scenario, effect when allowed | anonymous omg_conf omg_sec omg_papsy awv_sec awv_papsy awv_conf admin
MATRIX = [
    ("GET", "/login", "/login", R, None, 200, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX),
    ("POST", "/login", "/login", R, "nothing", 401, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX),
    ("POST", "/logout", "/logout", R, "logged_out", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("POST", "/language", "/language", R, "language", ROSTER, ROSTER, ROSTER, ROSTER, ROSTER, ROSTER, ROSTER, ROSTER),
    ("GET", "/", "/", R, None, LOGIN, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX),
    ("GET", "/inbox", "/inbox", R, None, LOGIN, 200, 200, 200, 200, 200, 200, 200),
    # Who has a task (scenario "handed": the OMG PAPSY claimed the review; a second OMG PAPSY could take it over).
    # Only the lane and scope reach the task; tests/web/test_inbox_claims.py shows the 409s and the refused targets.
    ("POST", CLAIM, "/tasks/{review}/claim", R, "claimed", LOGIN, 403, 403, INBOX, 403, 403, 403, 403),
    ("POST", CLAIM, "/tasks/{review}/claim", H, "nothing", LOGIN, 403, 403, INBOX, 403, 403, 403, 403),
    ("POST", RELEASE, "/tasks/{review}/release", H, "released", LOGIN, 403, 403, INBOX, 403, 403, 403, 403),
    ("POST", ASSIGN, "/tasks/{review}/assign", H, "assigned", LOGIN, 403, 403, INBOX, 403, 403, 403, 403),
    # Saved filters: everyone signed in keeps their own; another's is as unknown as a missing one.
    ("POST", "/inbox/filters", "/inbox/filters", R, "filter_saved", LOGIN, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX,
     INBOX),
    ("POST", FILTER_DELETE, "/inbox/filters/{filter}/delete", R, "filter_deleted",
     LOGIN, 404, 404, INBOX, 404, 404, 404, 404),
    ("GET", START, "/processes/appointment/start", R, None, LOGIN, 403, 200, 403, 200, 403, 403, 403),
    ("POST", START, "/processes/appointment/start", R, "started", LOGIN, 403, NEW, 403, 422, 403, 403, 403),
    ("GET", TASK, "/tasks/{review}", R, None, LOGIN, 403, 403, 200, 403, 403, 403, 403),
    ("POST", TASK, "/tasks/{review}", R, "approved", LOGIN, 403, 403, INBOX, 403, 403, 403, 403),
    ("GET", TASK, "/tasks/{correction}", S, None, LOGIN, 403, 200, 403, 403, 403, 403, 403),
    ("POST", TASK, "/tasks/{correction}", S, "corrected", LOGIN, 403, INBOX, 403, 403, 403, 403, 403),
    ("GET", TASK, "/tasks/{done}", S, None, LOGIN, 403, 403, 200, 403, 403, 403, 403),
    ("POST", TASK, "/tasks/{done}", S, "approved", LOGIN, 403, 403, INSTANCE, 403, 403, 403, 403),
    ("GET", "/instances", "/instances", R, None, LOGIN, 200, 200, 200, 200, 200, 200, 200),
    # No file in the appointment: everybody signed in is told it does not exist; tests/web/test_files.py shows
    # who may open a real certificate.
    ("GET", "/files/<id:file_id>", "/files/999999", R, None, LOGIN, 404, 404, 404, 404, 404, 404, 404),
    ("GET", INST, "/instances/{instance}", R, None, LOGIN, 403, 200, 200, 403, 403, 403, 200),
    ("POST", INST + "/suspend", "/instances/{instance}/suspend", R, "suspended",
     LOGIN, 403, 403, 403, 403, 403, 403, ADMINISTERED),
    ("POST", INST + "/resume", "/instances/{instance}/resume", R, "nothing",  # it is running: said on the page
     LOGIN, 403, 403, 403, 403, 403, 403, INSTANCE),
    ("POST", INST + "/terminate", "/instances/{instance}/terminate", R, "terminated",
     LOGIN, 403, 403, 403, 403, 403, 403, ADMINISTERED),
    # A delicate case (confidential): its confidant and the PAPSY who may take it up see it; an admin only its status
    # (tests/web/test_confidential_processes.py shows what the admin's page holds); the employer side nothing.
    ("GET", INST, "/instances/{delicate}", D, None, LOGIN, 200, 403, 200, 403, 403, 403, 200),
    ("POST", "/delicate/tasks/<id:task_id>/take-up", "/delicate/tasks/{take_up}/take-up", D, "taken_up",
     LOGIN, 403, 403, TAKE_UP_TASK, 403, 403, 403, 403),
    ("GET", "/roster/", "/roster/", R, None, LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/admin/", "/admin/", R, None, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("GET", "/admin/outbox", "/admin/outbox", R, None, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    # The browser libraries of the modeler and the diagrams (npm packages, nothing of Vertrouwd's own).
    ("GET", "/vendor/<path:name>", "/vendor/bpmn-viewer.js", R, None, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/admin/models/<key>", "/admin/models/appointment", R, None, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("GET", "/admin/models/<key>/versions/<int:number>/files/<name>",
     "/admin/models/appointment/versions/1/files/appointment.bpmn", R, None, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("GET", OUTBOX_MSG, "/admin/outbox/{message}", R, None, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("GET", "/admin/timers", "/admin/timers", R, None, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    # The appointment has no timers: the admin reaches the action and is told the timer does not exist (404);
    # tests/timers/test_durable_timers.py shows both actions working on real timers.
    ("POST", TIMER_RETRY, "/admin/timers/999999/retry", R, "nothing", LOGIN, 403, 403, 403, 403, 403, 403, 404),
    ("POST", TIMER_FIRE, "/admin/timers/999999/fire-now", R, "nothing", LOGIN, 403, 403, 403, 403, 403, 403, 404),
    # An admin's user page; the actions get input they refuse here (tests/web/test_admin_users.py shows their effects).
    ("GET", USER, "/admin/users/{target}", R, None, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("POST", USER + "/password", "/admin/users/{target}/password", R, "nothing",
     LOGIN, 403, 403, 403, 403, 403, 403, 400),
    ("POST", USER + "/second-factor", "/admin/users/{target}/second-factor", R, "nothing",
     LOGIN, 403, 403, 403, 403, 403, 403, 400),
    ("POST", USER + "/setup-link", "/admin/users/{target}/setup-link", R, "setup_link",
     LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("POST", USER + "/active", "/admin/users/{target}/active", R, "nothing",
     LOGIN, 403, 403, 403, 403, 403, 403, 400),
    # A new account (an existing e-mail here: refused with a message; tests/web/test_own_password.py shows one made).
    ("GET", "/admin/users/new", "/admin/users/new", R, None, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("POST", "/admin/users/new", "/admin/users/new", R, "nothing", LOGIN, 403, 403, 403, 403, 403, 403, 400),
    # Choosing one's own password: only after a login with a temporary password (the demo people have their own);
    # a setup link that does not exist is a 404 for everyone (tests/web/test_own_password.py shows real ones).
    ("GET", "/account/choose-password", "/account/choose-password", R, None,
     LOGIN, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX),
    ("POST", "/account/choose-password", "/account/choose-password", R, "nothing",
     LOGIN, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX),
    ("GET", "/setup/<token>", "/setup/not-a-real-token", R, None, 404, 404, 404, 404, 404, 404, 404, 404),
    ("POST", "/setup/<token>", "/setup/not-a-real-token", R, "nothing", 404, 404, 404, 404, 404, 404, 404, 404),
    ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", R, None, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/process-models", "/api/v1/process-models", R, None, 401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", MODEL_VERSIONS, "/api/v1/process-models/appointment/versions", R, None,
     401, 403, 403, 403, 403, 403, 403, 200),
    # A dry run of version 1 to 1: the admin passes and is told to choose another (tests/process/test_bulk_migration.py)
    ("POST", "/api/v1/process-models/<key>/migrations", "/api/v1/process-models/appointment/migrations", R, "nothing",
     401, 403, 403, 403, 403, 403, 403, 422),
    ("GET", "/api/v1/migrations/<id:run_id>", "/api/v1/migrations/999999", R, None,
     401, 403, 403, 403, 403, 403, 403, 404),
    # The admin sends the deployed model again: no new version (tests/web/test_model_versions.py deploys one).
    ("POST", MODEL_VERSIONS, "/api/v1/process-models/appointment/versions", R, "nothing",
     401, 403, 403, 403, 403, 403, 403, 200),
    ("POST", "/api/v1/process-instances", "/api/v1/process-instances", R, "started",
     401, 403, 201, 403, 403, 403, 403, 403),
    # The list answers everyone signed in with what they may see (tests/web/test_instance_list.py shows what).
    ("GET", "/api/v1/process-instances", "/api/v1/process-instances?q=Dossier", D, None,
     401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/process-instances", "/api/v1/process-instances?status=open", R, None,
     401, 422, 422, 422, 422, 422, 422, 422),
    ("GET", A_INST, "/api/v1/process-instances/{instance}", R, None, 401, 403, 200, 200, 403, 403, 403, 200),
    ("POST", A_INST + "/suspend", "/api/v1/process-instances/{instance}/suspend", R, "suspended",
     401, 403, 403, 403, 403, 403, 403, 200),
    ("POST", A_INST + "/resume", "/api/v1/process-instances/{instance}/resume", R, "nothing",  # it is running
     401, 403, 403, 403, 403, 403, 403, 409),
    ("POST", A_INST + "/terminate", "/api/v1/process-instances/{instance}/terminate", R, "terminated",
     401, 403, 403, 403, 403, 403, 403, 200),
    # The admin passes and is told the instance is on that version already (tests/process/test_instance_migration.py)
    ("POST", A_INST + "/migrate", "/api/v1/process-instances/{instance}/migrate", R, "nothing",
     401, 403, 403, 403, 403, 403, 403, 422),
    ("GET", A_INST, "/api/v1/process-instances/{delicate}", D, None, 401, 200, 403, 200, 403, 403, 403, 200),
    ("GET", "/api/v1/tasks", "/api/v1/tasks", R, None, 401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", A_TASK, "/api/v1/tasks/{review}", R, None, 401, 403, 403, 200, 403, 403, 403, 403),
    ("GET", A_TASK, "/api/v1/tasks/{correction}", S, None, 401, 403, 200, 403, 403, 403, 403, 403),
    ("GET", A_TASK, "/api/v1/tasks/{done}", S, None, 401, 403, 403, 200, 403, 403, 403, 403),
    ("POST", A_DONE, "/api/v1/tasks/{review}/complete", R, "approved", 401, 403, 403, 200, 403, 403, 403, 403),
    ("POST", "/api/v1" + CLAIM, "/api/v1/tasks/{review}/claim", R, "claimed", 401, 403, 403, 200, 403, 403, 403, 403),
    ("POST", "/api/v1" + RELEASE, "/api/v1/tasks/{review}/release", H, "released",
     401, 403, 403, 200, 403, 403, 403, 403),
    ("POST", "/api/v1" + ASSIGN, "/api/v1/tasks/{review}/assign", H, "assigned",
     401, 403, 403, 200, 403, 403, 403, 403),
    ("POST", A_DONE, "/api/v1/tasks/{correction}/complete", S, "corrected", 401, 403, 200, 403, 403, 403, 403, 403),
    ("POST", A_DONE, "/api/v1/tasks/{done}/complete", S, "approved", 401, 403, 403, 409, 403, 403, 403, 403),
    ("GET", "/api/v1/confidants", "/api/v1/confidants", R, None, 401, 200, 200, 200, 200, 200, 200, 200),
    # Login steps: without a password given just before, every step sends back to the login page.
    ("GET", "/login/code", "/login/code", R, None, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("POST", "/login/code", "/login/code", R, "nothing", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("GET", "/login/enrol", "/login/enrol", R, None, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("POST", "/login/enrol", "/login/enrol", R, "nothing", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("GET", "/account/recovery-codes", "/account/recovery-codes", R, None,
     LOGIN, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX),
    # New recovery codes for whoever has a second factor (EOC secretaries need none); codes are not in the snapshot.
    ("POST", "/account/recovery-codes", "/account/recovery-codes", R, None,
     LOGIN, CODES, INBOX, CODES, INBOX, CODES, CODES, CODES),
    ("GET", "/account/password", "/account/password", R, None, LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/account/password", "/account/password", R, "nothing", LOGIN, 400, 400, 400, 400, 400, 400, 400),
    # Dossiers (R2): a confidant's own only; another confidant is told it does not exist; nobody else gets in.
    ("GET", "/dossiers", "/dossiers", R, None, LOGIN, 200, 403, 403, 403, 403, 200, 403),
    ("POST", "/dossiers/search", "/dossiers/search", R, None, LOGIN, 200, 403, 403, 403, 403, 200, 403),
    ("GET", "/dossiers/new", "/dossiers/new", R, None, LOGIN, 200, 403, 403, 403, 403, 200, 403),
    ("POST", "/dossiers/new", "/dossiers/new", R, "dossier", LOGIN, NEW_DOSSIER, 403, 403, 403, 403, NEW_DOSSIER, 403),
    ("GET", DOS, "/dossiers/{dossier}", R, None, LOGIN, 200, 403, 403, 403, 403, 404, 403),
    ("GET", DOS + "/edit", "/dossiers/{dossier}/edit", R, None, LOGIN, 200, 403, 403, 403, 403, 404, 403),
    ("POST", DOS + "/edit", "/dossiers/{dossier}/edit", R, "dossier_updated",
     LOGIN, DOSSIER, 403, 403, 403, 403, 404, 403),
    ("POST", DOS + "/notes", "/dossiers/{dossier}/notes", R, "note", LOGIN, DOSSIER, 403, 403, 403, 403, 404, 403),
    ("POST", DOS + "/close", "/dossiers/{dossier}/close", R, "closed", LOGIN, DOSSIER, 403, 403, 403, 403, 404, 403),
    # The arranged dossier is not delicate: its confidant is told no summary is asked, nothing changes.
    ("POST", DOS + "/summary", "/dossiers/{dossier}/summary", R, None, LOGIN, DOSSIER, 403, 403, 403, 403, 404, 403),
    # No recovery request here: signed-in users are told the task does not exist; tests/web/test_dossier_pages.py
    # shows the decision through the web, tests/dossiers/test_recovery_process.py who may take it.
    ("POST", "/recovery/tasks/<id:task_id>", "/recovery/tasks/999999", R, "nothing",
     LOGIN, 404, 404, 404, 404, 404, 404, 404),
    # Where an instance stands (its diagram's states): who sees the instance's steps, as its page; of a delicate case
    # its participants, not the admin (tests/web/test_instance_admin_pages.py shows the states).
    ("GET", INST + "/diagram", "/instances/{instance}/diagram", R, None, LOGIN, 403, 200, 200, 403, 403, 403, 200),
    ("GET", INST + "/diagram", "/instances/{delicate}/diagram", D, None, LOGIN, 200, 403, 200, 403, 403, 403, 403),
    # Moving one instance from its page: the admin asks for the version it is on and is told so on its page
    # (tests/web/test_instance_admin_pages.py moves one).
    ("GET", INST + "/migrate", "/instances/{instance}/migrate?version=1", R, None,
     LOGIN, 403, 403, 403, 403, 403, 403, INSTANCE),
    ("POST", INST + "/migrate", "/instances/{instance}/migrate", R, "nothing",
     LOGIN, 403, 403, 403, 403, 403, 403, INSTANCE),
    # Bulk migration pages (tests/web/test_bulk_migration_pages.py runs one): the admin's choice of version 1 to 1 is
    # refused with a message; there is no run 999999.
    ("GET", "/admin/models/<key>/migrations/new", "/admin/models/appointment/migrations/new", R, None,
     LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("POST", "/admin/models/<key>/migrations/new", "/admin/models/appointment/migrations/new", R, "nothing",
     LOGIN, 403, 403, 403, 403, 403, 403, 422),
    ("GET", "/admin/migrations/<id:run_id>", "/admin/migrations/999999", R, None,
     LOGIN, 403, 403, 403, 403, 403, 403, 404),
    ("GET", "/admin/migrations/<id:run_id>/progress", "/admin/migrations/999999/progress", R, None,
     LOGIN, 403, 403, 403, 403, 403, 403, 404),
    ("POST", "/admin/migrations/<id:run_id>/run", "/admin/migrations/999999/run", R, "nothing",
     LOGIN, 403, 403, 403, 403, 403, 403, 404),
    # The modeler (admins only): the first save makes the admin's own draft; the JSON posts get a web form here,
    # which they read as an empty body (tests/web/test_model_drafts.py shows what each does with a real one).
    ("GET", "/admin/models/new", "/admin/models/new", R, None, LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("POST", "/admin/models/new", "/admin/models/new", R, "nothing", LOGIN, 403, 403, 403, 403, 403, 403, 400),
    ("GET", "/admin/models/<key>/edit", "/admin/models/appointment/edit", R, None,
     LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("GET", "/admin/models/<key>/draft", "/admin/models/appointment/draft", R, None,
     LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("POST", "/admin/models/<key>/draft", "/admin/models/appointment/draft", R, "nothing",
     LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("POST", "/admin/models/<key>/draft/check", "/admin/models/appointment/draft/check", R, "nothing",
     LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ("POST", "/admin/models/<key>/draft/deploy", "/admin/models/appointment/draft/deploy", R, "nothing",
     LOGIN, 403, 403, 403, 403, 403, 403, 404),
    ("POST", "/admin/models/<key>/draft/discard", "/admin/models/appointment/draft/discard", R, "nothing",
     LOGIN, 403, 403, 403, 403, 403, 403, 404),
    ("POST", "/admin/forms/preview", "/admin/forms/preview", R, "nothing", LOGIN, 403, 403, 403, 403, 403, 403, 422),
    # The checks before a deploy store nothing: the admin gets the report (tests/process/test_checks.py).
    ("POST", "/api/v1/process-models/<key>/checks", "/api/v1/process-models/appointment/checks", R, "nothing",
     401, 403, 403, 403, 403, 403, 403, 200),
]
ALLOWED = {INBOX, NEW, NEW_DOSSIER, DOSSIER, TAKE_UP_TASK, ADMINISTERED, 200, 201}  # outcomes of a POST that did what it asks ("started", "approved", "corrected")
DOSSIER_FORM = {"opened_on": "2026-11-02", "requester": "Verzoeker X", "themes": "stress", "persons": "colleague",
                "interventions": "listening"}
APPROVE, WRONG_LOGIN = {"decision": "approve"}, {"email": OMG_CONFIDANT, "password": "not-the-password-1"}
BODIES = {  # what each POST sends: web form fields, or the JSON body of the API
    "/login": WRONG_LOGIN, "/logout": {}, "/language": {"lang": "en", "next": "/roster/"},
    "/processes/appointment/start": {"entity": "OMG", **appointment_form(candidate_name="Piet Nieuw")},
    "/tasks/{review}": APPROVE, "/tasks/{done}": APPROVE, "/tasks/{correction}": appointment_form(),
    "/api/v1/process-instances": {"model": "appointment", "entity": "OMG", "data": appointment_data()},
    "/instances/{instance}/suspend": {}, "/instances/{instance}/resume": {},
    "/instances/{instance}/terminate": {"reason": "Dubbel gestart"},
    "/api/v1/process-instances/{instance}/suspend": {}, "/api/v1/process-instances/{instance}/resume": {},
    "/api/v1/process-instances/{instance}/terminate": {"reason": "Dubbel gestart"},
    "/api/v1/process-instances/{instance}/migrate": {"version": 1, "dry_run": False},
    "/api/v1/process-models/appointment/migrations": {"from_version": 1, "to_version": 1},
    "/api/v1/process-models/appointment/versions": {"bpmn": (PROJECT_ROOT / "bpmn" / "appointment.bpmn").read_text()},
    "/api/v1/tasks/{review}/complete": {"data": APPROVE}, "/api/v1/tasks/{done}/complete": {"data": APPROVE},
    "/api/v1/tasks/{correction}/complete": {"data": appointment_data()},
    "/admin/timers/999999/retry": {}, "/admin/timers/999999/fire-now": {},
    "/admin/users/{target}/password": {"new": "a-new-password-2", "repeat": "another-password-3"},
    "/admin/users/{target}/second-factor": {}, "/admin/users/{target}/setup-link": {},
    "/admin/users/{target}/active": {"active": "maybe"},
    "/admin/users/new": {"name": "Sofie Claes", "email": OMG_CONFIDANT, "role": "papsy", "entity": "OMG"},
    "/account/choose-password": {"new": "a-new-password-2", "repeat": "a-new-password-2"},
    "/setup/not-a-real-token": {"new": "a-new-password-2", "repeat": "a-new-password-2"},
    "/login/code": {"code": "123456"}, "/login/enrol": {"code": "123456"}, "/account/recovery-codes": {},
    "/account/password": {"current": "not-the-password-1", "new": "a-new-password-2", "repeat": "a-new-password-2"},
    "/dossiers/search": {"q": "Verzoeker"}, "/dossiers/new": DOSSIER_FORM, "/dossiers/{dossier}/edit": DOSSIER_FORM,
    "/dossiers/{dossier}/notes": {"note": "Nog een gesprek gehad."},
    "/dossiers/{dossier}/close": {"closed_on": "2026-11-20", "outcome": "resolved"},
    "/dossiers/{dossier}/summary": {"summary": "Samenvatting"},
    "/recovery/tasks/999999": {"decision": "refuse"}, "/delicate/tasks/{take_up}/take-up": {},
    "/tasks/{review}/claim": {"next": "/inbox?due=late"}, "/tasks/{review}/release": {},
    "/tasks/{review}/assign": {"user": OMG_PAPSY_2}, "/api/v1/tasks/{review}/claim": {},
    "/api/v1/tasks/{review}/release": {}, "/api/v1/tasks/{review}/assign": {"user": OMG_PAPSY_2},
    "/inbox/filters": {"name": "Te laat", "query": "due=late"}, "/inbox/filters/{filter}/delete": {},
    "/instances/{instance}/migrate": {"version": "1"},
    "/admin/models/appointment/migrations/new": {"from_version": "1", "to_version": "1"},
    "/admin/migrations/999999/run": {},
    "/admin/models/new": {"key": "Slecht!", "name": ""}, "/admin/models/appointment/draft": {},
    "/admin/models/appointment/draft/deploy": {}, "/admin/models/appointment/draft/check": {}, "/admin/models/appointment/draft/discard": {},
    "/admin/forms/preview": {},
    "/api/v1/process-models/appointment/checks": {"bpmn": (PROJECT_ROOT / "bpmn" / "appointment.bpmn").read_text()},
}
CELLS = [pytest.param(row, actor, expected, id=f"{row[0]} {row[2]} {actor}")
         for row in MATRIX for actor, expected in zip(ACTORS, row[5:], strict=True)]


@pytest.fixture
def app(app):
    app.extensions["vertrouwd_settings"].login_rate_limit = "1000 per minute"  # tests log in often
    return app


@pytest.fixture
def store(store):
    """The conftest fixture rolls back the thread's *current* session; a request has replaced it by then, so end
    this object's transaction too (on PostgreSQL an idle transaction blocks the next test's TRUNCATE)."""
    yield store
    store.rollback()


def arrange(store, scenario: str = R) -> dict:
    """The appointment of entity OMG, and the ids the matrix urls refer to."""
    instance = services.start_process(store, user(store, OMG_SECRETARY), "appointment", entity(store, "OMG"),
                                      appointment_data())
    message = queue_mail(store, OMG_PAPSY, "reminder", "reminder", {"what": "Aanstelling nakijken", "process": "x",
                         "entity": "OMG", "due_date": "31-12-2026", "task_id": None}, instance_id=instance.id)
    store.commit()
    confidant = user(store, OMG_CONFIDANT)
    user_keys.create_for(store, confidant, DEMO_PASSWORD)
    dossier = dossiers.register(store, confidant, {
        "opened_on": date(2026, 11, 1), "requester": "Verzoeker A", "themes": ["conflict"], "persons": ["colleague"],
        "interventions": ["listening"], "note": "Eerste gesprek."})
    store.commit()
    ids = {"instance": instance.id, "review": ready_task_id(store, instance.id, "review_appointment"),
           "message": message.id, "dossier": dossier.id, "target": confidant.id,
           "filter": luc_saved_filter(store)}
    if scenario == H:
        colleague_papsy(store)
        claims.claim(store, user(store, OMG_PAPSY), ids["review"])
    store.commit()
    if scenario == D:
        ids["delicate"] = delicate_case(store)[1]
        ids["take_up"] = ready_task_id(store, ids["delicate"], "take_up")
    if scenario == S:
        services.complete_task(store, user(store, OMG_PAPSY), ids["review"],
                               {"decision": "send_back", "send_back_reason": "Referentie ontbreekt"})
        store.commit()
        ids["done"] = ids.pop("review")
        ids["correction"] = ready_task_id(store, instance.id, "correct_appointment")
    return ids


def luc_saved_filter(store) -> int:
    """The OMG PAPSY's saved filter "Alles" (once, whatever is arranged twice)."""
    luc = user(store, OMG_PAPSY)
    saved = store.scalar(select(SavedFilter.id).where(SavedFilter.user_id == luc.id, SavedFilter.name == "Alles"))
    return saved or saved_filters.save(store, luc, "Alles", "assigned=any").id


def ready_task_id(store, instance_id: int, spec_name: str) -> int | None:
    return store.scalar(select(Task.id).where(Task.instance_id == instance_id, Task.spec_name == spec_name,
                                              Task.state == TaskState.READY))


def snapshot(store) -> dict:
    """What a request may change: instances, tasks, history, confidants, users."""
    state = {
        "instances": store.execute(select(ProcessInstance.id, ProcessInstance.status, ProcessInstance.lock_version)
                                   .order_by(ProcessInstance.id)).all(),
        "tasks": store.execute(select(Task.id, Task.spec_name, Task.state, Task.completed_by_id, Task.assignee_id)
                               .order_by(Task.id)).all(),
        "history": store.scalar(select(func.count()).select_from(HistoryEvent)),
        "confidants": store.execute(select(Confidant.email, Confidant.status).order_by(Confidant.email)).all(),
        "users": store.execute(select(User.email, User.locale).order_by(User.email)).all(),
        "dossiers": store.execute(select(Dossier.id, Dossier.confidant_id, Dossier.opened_on, Dossier.closed_on)
                                  .order_by(Dossier.id)).all(),
        "notes": store.scalar(select(func.count()).select_from(DossierNote)),
        "setup_links": store.execute(select(SetupLink.user_id).order_by(SetupLink.id)).scalars().all(),
        "saved_filters": store.execute(select(SavedFilter.user_id, SavedFilter.name, SavedFilter.query)
                                       .order_by(SavedFilter.id)).all(),
    }
    store.rollback()
    return state


def as_actor(app, store, actor: str, api: bool):
    """A client signed in as ``actor`` (web) and the headers for the API (a bearer token)."""
    client, headers = app.test_client(), {}
    if actor != "anonymous" and api:
        headers = {"Authorization": f"Bearer {create_api_token(store, user(store, EMAILS[actor]))}"}
        store.commit()
    elif actor != "anonymous":
        login(client, EMAILS[actor])
    return client, headers


def session_csrf(client, actor: str) -> str:
    """The session's CSRF token, from a page every actor may open."""
    return csrf_token(client.get("/login" if actor == "anonymous" else "/inbox").get_data(as_text=True))


def assert_outcome(response, expected, ids: dict) -> None:
    where = urlsplit(response.location or "").path
    if isinstance(expected, int):
        assert response.status_code == expected, (response.status_code, where)
        return
    assert response.status_code == 302, (response.status_code, expected)
    if expected == NEW:
        assert where.startswith("/instances/") and where != f"/instances/{ids['instance']}"
    elif expected == NEW_DOSSIER:
        assert where.startswith("/dossiers/") and where != f"/dossiers/{ids['dossier']}"
    else:
        wanted = {LOGIN: "/login", INBOX: "/inbox", ROSTER: "/roster/", INSTANCE: f"/instances/{ids['instance']}",
                  DOSSIER: f"/dossiers/{ids['dossier']}", CODES: "/account/recovery-codes",
                  ADMINISTERED: f"/instances/{ids['instance']}",
                  TAKE_UP_TASK: f"/tasks/{ids.get('take_up')}"}
        assert where == wanted[expected]


def assert_effect(store, effect, allowed: bool, actor: str, ids: dict, before: dict, after: dict) -> None:
    if effect == "language":  # everyone may choose; a signed-in user's choice is kept on the account
        changed = set(after["users"]) - set(before["users"])
        assert changed == ({(EMAILS[actor], "en")} if actor != "anonymous" else set())
        assert {k: v for k, v in after.items() if k != "users"} == {k: v for k, v in before.items() if k != "users"}
        return
    if effect in (None, "nothing", "logged_out") or not allowed:
        assert after == before, "a refused request (or a GET) changed the database"
        return
    if effect == "setup_link":
        assert after["setup_links"] == [*before["setup_links"], ids["target"]]
        return
    actor_id = user(store, EMAILS[actor]).id
    if effect.startswith("filter_"):
        kept = {k: v for k, v in after.items() if k != "saved_filters"}
        assert kept == {k: v for k, v in before.items() if k != "saved_filters"}
        wanted = [*before["saved_filters"], (actor_id, "Te laat", "due=late")] if effect == "filter_saved" \
            else [row for row in before["saved_filters"] if row.name != "Alles"]
        assert after["saved_filters"] == wanted
        return
    if effect in ("claimed", "released", "assigned"):  # one task changes hands, and the history says so
        assignee = None if effect == "released" else actor_id if effect == "claimed" else user(store, OMG_PAPSY_2).id
        changed = [row for row in after["tasks"] if row not in before["tasks"]]
        assert [(row.id, row.assignee_id) for row in changed] == [(ids["review"], assignee)]
        assert after["history"] == before["history"] + 1
        assert {k: v for k, v in after.items() if k not in ("tasks", "history")} == \
            {k: v for k, v in before.items() if k not in ("tasks", "history")}
        return
    if effect.startswith("dossier") or effect in ("note", "closed"):
        assert_dossier_effect(effect, actor_id, ids, before, after)
        return
    if effect in ("suspended", "terminated"):  # the instance's status, a history line; termination ends its task
        statuses = {row.id: row.status for row in after["instances"]}
        assert statuses[ids["instance"]] == ("suspended" if effect == "suspended" else "cancelled")
        assert after["history"] == before["history"] + 1
        changed = [(row.id, row.state) for row in after["tasks"] if row not in before["tasks"]]
        assert changed == ([] if effect == "suspended" else [(ids["review"], TaskState.CANCELLED)])
        return
    tasks = {row.id: row for row in after["tasks"]}
    if effect == "started":
        new = [row for row in after["instances"] if row.id != ids["instance"]]
        assert len(new) == 1 and len(before["instances"]) == 1
        assert store.scalar(select(ProcessInstance.started_by_id).where(ProcessInstance.id == new[0].id)) == actor_id
        assert ready_task_id(store, new[0].id, "review_appointment") is not None
    elif effect == "approved":
        task = tasks[ids["review"]]
        assert (task.state, task.completed_by_id) == (TaskState.COMPLETED, actor_id)
        assert len(after["confidants"]) == len(before["confidants"]) + 1
        assert ("jana.vermeulen@omgeving.vlaanderen.example", "active") in after["confidants"]
    elif effect == "taken_up":  # the task becomes the PAPSY's alone; she had the summary already
        assert tasks[ids["take_up"]].assignee_id == actor_id
        assert {k: v for k, v in after.items() if k != "tasks"} == {k: v for k, v in before.items() if k != "tasks"}
    elif effect == "corrected":
        task = tasks[ids["correction"]]
        assert (task.state, task.completed_by_id) == (TaskState.COMPLETED, actor_id)
        assert ready_task_id(store, ids["instance"], "review_appointment") is not None
        assert after["confidants"] == before["confidants"]


def assert_dossier_effect(effect: str, actor_id: int, ids: dict, before: dict, after: dict) -> None:
    others = ("instances", "tasks", "history", "confidants", "users")
    assert {k: after[k] for k in others} == {k: before[k] for k in others}
    new = [row for row in after["dossiers"] if row not in before["dossiers"]]
    if effect == "dossier":
        assert [(row.confidant_id, row.opened_on) for row in new] == [(actor_id, date(2026, 11, 2))]
        assert after["notes"] == before["notes"]
    elif effect == "dossier_updated":
        assert [(row.id, row.opened_on) for row in new] == [(ids["dossier"], date(2026, 11, 2))]
    elif effect == "note":
        assert after["dossiers"] == before["dossiers"] and after["notes"] == before["notes"] + 1
    elif effect == "closed":
        assert [(row.id, row.closed_on) for row in new] == [(ids["dossier"], date(2026, 11, 20))]


@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_matrix(app, store, row, actor, expected):
    method, _rule, template, scenario, effect = row[:5]
    ids = arrange(store, scenario)
    url, api = template.format(**ids), template.startswith("/api/")
    client, headers = as_actor(app, store, actor, api)
    before = snapshot(store)
    if method == "GET":
        response = client.get(url, headers=headers)
    elif api:
        response = client.post(url, json=BODIES[template], headers=headers)
    else:
        data = {**BODIES[template], "csrf_token": session_csrf(client, actor)}
        response = client.post(url, data=data)
    assert_outcome(response, expected, ids)
    response.close()  # a file sent from disk (/vendor/...) stays open until closed
    assert_effect(store, effect, expected in ALLOWED, actor, ids, before, snapshot(store))
    if effect == "logged_out":
        assert urlsplit(client.get("/inbox").location or "").path == "/login"
    if effect == "language":
        assert '<html lang="en">' in client.get("/login" if actor == "anonymous" else "/roster/").get_data(as_text=True)


def test_every_route_has_a_row_in_the_matrix(app):
    routes = {(rule.rule, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    rows = [*MATRIX, *area_matrix_rows()]
    covered = {(row[1], row[0]) for row in rows}
    assert routes - covered == set(), "routes without a row in the authorization matrix"
    assert covered - routes == set(), "matrix rows for routes that do not exist"
    assert all(len(row) == 5 + len(ACTORS) for row in rows)


def area_matrix_rows() -> list[tuple]:
    """The rows of the areas' own matrices (tests/web/test_*_authorization.py, each with its ``MATRIX`` of the same
    shape, its own arrangement and effects)."""
    import importlib
    from pathlib import Path

    rows = []
    for path in sorted(Path(__file__).parent.glob("test_*_authorization.py")):
        rows += importlib.import_module(f"tests.web.{path.stem}").MATRIX
    return rows


# The four cases the issue names, and the other promises, each on its own.

def test_confidant_sees_no_papsy_task_on_the_web_or_in_the_api(app, store):
    ids = arrange(store)
    confidant, headers = as_actor(app, store, "omg_confidant", api=True)
    login(confidant, OMG_CONFIDANT)
    inbox = confidant.get("/inbox").get_data(as_text=True)
    assert "Aanstelling nakijken" not in inbox and f"/tasks/{ids['review']}" not in inbox
    assert confidant.get("/api/v1/tasks", headers=headers).get_json() == NO_TASKS
    assert confidant.get(f"/tasks/{ids['review']}").status_code == 403
    papsy = app.test_client()
    login(papsy, OMG_PAPSY)  # the same inbox query does show it to the PAPSY
    assert f"/tasks/{ids['review']}" in papsy.get("/inbox").get_data(as_text=True)


def test_secretary_of_one_entity_cannot_start_for_another(app, store):
    client, headers = as_actor(app, store, "awv_secretary", api=True)
    login(client, AWV_SECRETARY)
    form = client.get("/processes/appointment/start").get_data(as_text=True)
    assert 'value="AWV"' in form and 'value="OMG"' not in form
    web = client.post("/processes/appointment/start",
                      data={"entity": "OMG", **appointment_form(), "csrf_token": csrf_token(form)})
    assert web.status_code == 422 and "Kies een entiteit waarvoor u dit proces mag starten" in web.get_data(as_text=True)
    api = client.post("/api/v1/process-instances", headers=headers,
                      json={"model": "appointment", "entity": "OMG", "data": appointment_data()})
    assert api.status_code == 403
    with pytest.raises(NotAllowed):
        services.start_process(store, user(store, AWV_SECRETARY), "appointment", entity(store, "OMG"),
                               appointment_data())
    store.rollback()
    assert store.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_papsy_of_one_entity_cannot_complete_a_review_of_another(app, store):
    ids = arrange(store)
    client, headers = as_actor(app, store, "awv_papsy", api=True)
    login(client, AWV_PAPSY)
    web = client.post(f"/tasks/{ids['review']}", data={**APPROVE, "csrf_token": session_csrf(client, "awv_papsy")})
    api = client.post(f"/api/v1/tasks/{ids['review']}/complete", json={"data": APPROVE}, headers=headers)
    assert (web.status_code, api.status_code) == (403, 403)
    with pytest.raises(NotAllowed):
        services.complete_task(store, user(store, AWV_PAPSY), ids["review"], APPROVE)
    store.rollback()
    assert store.scalar(select(Task.state).where(Task.id == ids["review"])) == TaskState.READY
    assert store.scalar(select(func.count()).select_from(Confidant).where(Confidant.name == "Jana Vermeulen")) == 0


NOTE_FORM = {"schema": {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Notitie",
                        "type": "object", "properties": {"note": {"type": "string", "title": "Notitie"}}}, "ui": {}}


def _user_task(task_id: str, name: str, incoming: str, outgoing: str) -> str:
    return (f'<bpmn:userTask id="{task_id}" name="{name}"><bpmn:extensionElements><spiffworkflow:properties>'
            '<spiffworkflow:property name="formJsonSchemaFilename" value="note.schema.json"/>'
            f'</spiffworkflow:properties></bpmn:extensionElements><bpmn:incoming>{incoming}</bpmn:incoming>'
            f'<bpmn:outgoing>{outgoing}</bpmn:outgoing></bpmn:userTask>')


CONFIDANT_BPMN = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://test">
  <bpmn:process id="confidant_followup" name="Opvolging door de vertrouwenspersoon" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane_confidant" name="confidant">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>open_note</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>follow_up</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    {_user_task("open_note", "Notitie openen", "f1", "f2")}
    {_user_task("follow_up", "Opvolgen", "f2", "f3")}
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="open_note"/>
    <bpmn:sequenceFlow id="f2" sourceRef="open_note" targetRef="follow_up"/>
    <bpmn:sequenceFlow id="f3" sourceRef="follow_up" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_admin_cannot_complete_a_confidants_task(app, store):
    registry.deploy(store, "confidant_followup", {"confidant_followup.bpmn": CONFIDANT_BPMN}, {"note": NOTE_FORM})
    instance = services.start_process(store, user(store, OMG_CONFIDANT), "confidant_followup", entity(store, "OMG"),
                                      {"note": "eerste"})
    store.commit()
    task_id = ready_task_id(store, instance.id, "follow_up")
    assert store.scalar(select(Task.lane).where(Task.id == task_id)) == "confidant"
    for actor in ("admin", "awv_confidant", "omg_papsy", "omg_secretary"):
        client, headers = as_actor(app, store, actor, api=True)
        login(client, EMAILS[actor])
        assert f"/tasks/{task_id}" not in client.get("/inbox").get_data(as_text=True), actor
        web = client.post(f"/tasks/{task_id}", data={"note": "x", "csrf_token": session_csrf(client, actor)})
        api = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"note": "x"}}, headers=headers)
        assert (web.status_code, api.status_code) == (403, 403), actor
        assert store.scalar(select(Task.state).where(Task.id == task_id)) == TaskState.READY, actor
        store.rollback()
    confidant, headers = as_actor(app, store, "omg_confidant", api=True)  # the confidant's own lane: allowed
    done = confidant.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"note": "klaar"}}, headers=headers)
    assert done.status_code == 200 and done.get_json()["status"] == "completed"


def test_admin_inbox_shows_no_process_task(app, store):
    ids = arrange(store)
    arrange(store, S)  # a READY review task and a READY correction task
    client, headers = as_actor(app, store, "admin", api=True)
    login(client, ADMIN)
    assert "Er wachten geen taken op u." in client.get("/inbox").get_data(as_text=True)
    assert client.get("/api/v1/tasks", headers=headers).get_json() == NO_TASKS
    assert len(client.get(f"/api/v1/process-instances/{ids['instance']}", headers=headers).get_json()["open_tasks"]) == 1


@pytest.mark.parametrize("actor", ["awv_secretary", "awv_papsy", "omg_confidant", "awv_confidant"])
def test_instance_pages_refuse_other_entity_and_uninvolved_confidants(app, store, actor):
    ids = arrange(store)
    client, headers = as_actor(app, store, actor, api=True)
    login(client, EMAILS[actor])
    assert client.get(f"/instances/{ids['instance']}").status_code == 403
    assert client.get(f"/api/v1/process-instances/{ids['instance']}", headers=headers).status_code == 403
    assert f"/instances/{ids['instance']}" not in client.get("/instances").get_data(as_text=True)


@pytest.mark.parametrize("actor", ["omg_secretary", "omg_papsy", "admin"])
def test_instance_list_shows_the_instance_to_who_may_open_it(app, store, actor):
    ids = arrange(store)
    client, _ = as_actor(app, store, actor, api=False)
    assert f"/instances/{ids['instance']}" in client.get("/instances").get_data(as_text=True)


@pytest.mark.parametrize("actor", [a for a in ACTORS if a not in ("anonymous", "admin")])
def test_admin_pages_are_forbidden_to_non_admins(app, store, actor):
    client, _ = as_actor(app, store, actor, api=False)
    assert client.get("/admin/").status_code == 403


@pytest.mark.parametrize("actor", ["omg_papsy", "omg_secretary", "admin"])
def test_guessed_ids_that_do_not_exist_give_404_not_500(app, store, actor):
    arrange(store)
    client, headers = as_actor(app, store, actor, api=True)
    login(client, EMAILS[actor])
    token = session_csrf(client, actor)
    answers = {
        "web task": client.get("/tasks/999999").status_code,
        "web task post": client.post("/tasks/999999", data={**APPROVE, "csrf_token": token}).status_code,
        "web instance": client.get("/instances/999999").status_code,
        "web process": client.get("/processes/no-such-process/start").status_code,
        "api task": client.get("/api/v1/tasks/999999", headers=headers).status_code,
        "api complete": client.post("/api/v1/tasks/999999/complete", json={"data": APPROVE},
                                    headers=headers).status_code,
        "api instance": client.get("/api/v1/process-instances/999999", headers=headers).status_code,
    }
    assert answers == dict.fromkeys(answers, 404)
