"""Test helpers: the demo people, valid form data, logging in through the real login form."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.models import Entity, User

ADMIN = "admin@gdpb.vlaanderen.example"
OMG_SECRETARY = "ingrid.verhaegen@omgeving.vlaanderen.example"
OMG_PAPSY = "luc.vandenbroeck@gdpb.vlaanderen.example"
OMG_CONFIDANT = "sofie.claes@omgeving.vlaanderen.example"
AWV_SECRETARY = "bart.wouters@wegenenverkeer.vlaanderen.example"
AWV_PAPSY = "hilde.jacobs@gdpb.vlaanderen.example"
AWV_CONFIDANT = "els.desmet@wegenenverkeer.vlaanderen.example"

NO_TASKS = {"items": [], "total": 0, "page": 1, "per_page": 50}  # GET /api/v1/tasks with nothing to do

ELIGIBILITY = ["not_employer_delegate", "not_employee_representative", "not_union_delegate", "not_managerial_staff",
               "not_occupational_physician", "not_election_candidate"]


def appointment_data(**overrides) -> dict:
    data = {
        "candidate_name": "Jana Vermeulen", "candidate_email": "jana.vermeulen@omgeving.vlaanderen.example",
        "function": "Beleidsmedewerker", "eoc_decision_date": "2026-10-15", "eoc_reference": "EOC/2026/17",
        "employee_representatives_agreement": "all_agreed", **{name: True for name in ELIGIBILITY},
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def appointment_form(**overrides) -> dict:
    """The same as posted by a browser: strings, checkboxes as 'on', absent when unticked."""
    form = {}
    for key, value in appointment_data(**overrides).items():
        if value is True:
            form[key] = "on"
        elif value is not False:
            form[key] = value
    return form


def user(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def entity(session, code: str) -> Entity:
    return session.scalar(select(Entity).where(Entity.code == code))


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, email: str, password: str = DEMO_PASSWORD):
    """Log in through the real forms: the password, then the TOTP code (enrolling first if needed)."""
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": password,
                                            "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
    step = response.headers["Location"]
    if step.endswith("/login/enrol"):
        page = client.get("/login/enrol").get_data(as_text=True)
        secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page).group(1)
        response = client.post("/login/enrol", data={"code": totp_code(client, email, secret),
                                                     "csrf_token": csrf_token(page)})
        assert response.status_code == 302, f"enrolment of {email} failed: {response.status_code}"
        assert client.get(response.headers["Location"]).status_code == 200, "the recovery codes are shown once"
    elif step.endswith("/login/code"):
        page = client.get("/login/code").get_data(as_text=True)
        response = client.post("/login/code", data={"code": totp_code(client, email),
                                                    "csrf_token": csrf_token(page)})
        assert response.status_code == 302, f"second factor of {email} failed: {response.status_code}"
    return response


def choose_password(client, password: str):
    """The step after a login with a temporary password: choose one's own (it makes the key pair)."""
    response = post_form(client, "/account/choose-password", {"new": password, "repeat": password})
    assert response.status_code == 302, f"choosing a password failed: {response.status_code}"
    return response


def assert_key_sealed_only_under(session, account: User, own: str, temporary: str) -> None:
    """The account's private key opens with the password its owner chose, not with the one an admin gave."""
    import pytest

    from app.crypto import user_keys
    from app.crypto.keys import WrongPassword

    session.expire_all()
    assert user_keys.unlock(session, account, own) is not None
    with pytest.raises(WrongPassword):
        user_keys.unlock(session, account, temporary)


def totp_code(client, email: str, secret: str | None = None) -> str:
    """A code the server accepts now: of a time step after the last one this user spent (a code works once,
    and tests often stop the clock), within the allowed drift."""
    import pyotp
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from app.auth.second_factor import DRIFT_STEPS, secret_of
    from app.clock import now
    from app.db import db
    from app.models import User

    with Session(bind=db.engine) as own:  # not the thread's scoped session: the test may be using it
        account = user(own, email)
        secret = secret or secret_of(account)
        last = account.totp_last_step if account.totp_last_step is not None else -1
        totp = pyotp.TOTP(secret)
        moment = now()
        current = totp.timecode(moment)
        # Near a step's end, the oldest allowed step may be too old by the time the server checks the code.
        oldest = current if moment.timestamp() % totp.interval >= totp.interval - 5 else current - DRIFT_STEPS
        if last + 1 > current + DRIFT_STEPS:
            # A test logs one user in more often than the drift window allows within seconds (no person
            # can): forget the steps spent in the window rather than wait for the clock.
            own.execute(update(User).where(User.id == account.id).values(totp_last_step=oldest - 1))
            own.commit()
            last = oldest - 1
    return totp.generate_otp(max(oldest, last + 1))


def post_form(client, url: str, data: dict, **kwargs):
    """GET the page for its CSRF token, then POST ``data`` to it."""
    page = client.get(url)
    assert page.status_code == 200, f"GET {url}: {page.status_code}"
    return client.post(url, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))}, **kwargs)


def ready_task(session, spec_name: str):
    """The READY task of ``spec_name`` (read again: the flow may have moved)."""
    from app.models import Task, TaskState

    session.expire_all()
    return session.scalar(select(Task).where(Task.spec_name == spec_name, Task.state == TaskState.READY))


def fire_due(session, clock, moment) -> None:
    """Move the clock and fire every pending timer that is due by then through the real job function, as the
    workers would (firing ends the thread's session: read objects again afterwards)."""
    from app.models import Timer, TimerState
    from workers.jobs import fire_timer

    clock.move_to(moment)
    session.expire_all()
    for timer_id in session.scalars(select(Timer.id).where(Timer.state == TimerState.PENDING, Timer.due_at < moment)):
        fire_timer(timer_id)
    session.expire_all()


def delicate_case(session, summary: str = "Samenvatting voor de PAPSY") -> tuple[int, int]:
    """A delicate dossier of the OMG confidant with its summary written (the OMG PAPSY's take-up task is READY);
    returns the dossier's id and the escalation instance's id. The PAPSY of both entities get their key."""
    from datetime import date

    from app.crypto import user_keys
    from app.dossiers import escalation
    from app.dossiers import services as dossiers

    confidant = user(session, OMG_CONFIDANT)
    for email in (OMG_CONFIDANT, OMG_PAPSY, AWV_PAPSY):
        if user_keys.public_key(session, user(session, email).id) is None:
            user_keys.create_for(session, user(session, email), DEMO_PASSWORD)
    dossier = dossiers.register(session, confidant, {
        "opened_on": date(2026, 11, 1), "requester": "Verzoeker B", "themes": ["sexual_harassment"],
        "persons": ["colleague"], "interventions": ["listening"], "note": "Gesprek."})
    escalation.write_summary(session, confidant, dossier, summary)
    session.commit()
    return dossier.id, dossier.escalation_instance_id


def appointments_before_a_renamed_review(session, started: dict[str, tuple[str, str]]) -> dict[str, int]:
    """Appointments started as ``started`` says (name -> the secretary's e-mail and the entity's code), the one named
    "sent_back" sent back by the OMG PAPSY; then version 2 renames the review step, which that one completed (it
    cannot move there, the others can). Returns the instances' ids by name."""
    from app.config import PROJECT_ROOT
    from app.engine.registry import deploy, load_forms
    from app.models import Task, TaskState
    from app.workflow import services

    ids = {}
    for name, (email, code) in started.items():
        ids[name] = services.start_process(session, user(session, email), "appointment", entity(session, code),
                                           appointment_data(candidate_name=f"Kandidaat {name}")).id
        session.commit()
    review = session.scalar(select(Task.id).where(Task.instance_id == ids["sent_back"], Task.state == TaskState.READY))
    services.complete_task(session, user(session, OMG_PAPSY), review,
                           {"decision": "send_back", "send_back_reason": "Referentie ontbreekt"})
    source = (PROJECT_ROOT / "bpmn" / "appointment.bpmn").read_text()
    deploy(session, "appointment", {"appointment.bpmn": source.replace('name="Aanstelling nakijken"',
                                                                       'name="Aanstelling controleren"')},
           load_forms(PROJECT_ROOT / "forms"))
    session.commit()
    return ids


def lived_in(session) -> dict[str, int]:
    """The platform in use, for tests that look at every page: an appointment approved (the new confidant's
    training timers wait), a delicate case whose PAPSY let the reminder and the offer to the other PAPSY go by,
    and the "new task" mails sent, so that the outbox holds mails of several kinds. Returns the ids of the
    appointment, the delicate case and its dossier. The reminder and the offer fire with the clock moved past
    them; the clock is real again afterwards (their rows are stamped in the future)."""
    import time_machine

    from app.clock import now
    from app.models import Timer, TimerState
    from app.workflow import services
    from workers.jobs import fire_timer, notify_tasks

    appointment = services.start_process(session, user(session, OMG_SECRETARY), "appointment", entity(session, "OMG"),
                                         appointment_data())
    review = ready_task(session, "review_appointment")
    services.complete_task(session, user(session, OMG_PAPSY), review.id, {"decision": "approve"})
    appointment_id = appointment.id
    session.commit()
    dossier_id, case_id = delicate_case(session)
    notify_tasks()
    for timer_id, due_at in session.execute(select(Timer.id, Timer.due_at).where(
            Timer.instance_id == case_id, Timer.state == TimerState.PENDING).order_by(Timer.due_at)).all():
        with time_machine.travel(max(due_at, now()) + timedelta(seconds=1), tick=False):
            fire_timer(timer_id)
    session.expire_all()
    return {"appointment": appointment_id, "delicate_case": case_id, "dossier": dossier_id}


def visible_text(html: str, skip: tuple[str, ...] = ("script", "style", "code", "pre")) -> str:
    """The words a person reads on a page (the title too), without markup, attributes, or what is shown as
    technical text on purpose (``skip``: code such as an API key, a mail's text as it was sent). Blocks and cells
    are apart by a space; inline text stays as written, so a space before a comma shows."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []
            self.skipping = 0

        def handle_starttag(self, tag, attrs) -> None:
            self.skipping += tag in skip
            self.parts.append(" " if tag in blocks else "")

        def handle_endtag(self, tag) -> None:
            self.skipping -= tag in skip and self.skipping > 0
            self.parts.append(" " if tag in blocks else "")

        def handle_data(self, data) -> None:
            if not self.skipping:
                self.parts.append(data)

    blocks = {"p", "div", "li", "td", "th", "tr", "dt", "dd", "h1", "h2", "h3", "br", "section", "title", "option"}
    parser = Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


_LANE_STEP = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d_{key}" targetNamespace="http://inbox">
  <bpmn:process id="{key}" name="{name}" isExecutable="true">{properties}
    <bpmn:laneSet id="lanes"><bpmn:lane id="l1" name="{lane}">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>step</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="step" name="{step}"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formJsonSchemaFilename" value="appointment_review.schema.json"/>
      <spiffworkflow:property name="dueAtVariable" value="due_at"/>
    </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="step"/>
    <bpmn:sequenceFlow id="f2" sourceRef="step" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def lane_task(session, lane: str, entity_code: str, subject: str | None = None, due_at=None,
              step: str = "Dossier nakijken", process: str = "Opvolging", confidential: bool = False):
    """A real one-step process (one model per lane, process and step name, deployed once) started for the entity:
    its READY task in ``lane``, due at ``due_at`` (a datetime, or None), under ``subject``; ``confidential``: seen
    only by its participants. Flushed, not committed."""
    from app.engine import registry, runner
    from app.models import ProcessModel, Task

    key = re.sub(r"\W+", "_", f"{lane}_{process}_{step}{'_confidential' if confidential else ''}".lower())
    if session.get(ProcessModel, key) is None:
        from tests.small_models import FORMS

        properties = ('<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="visibility" '
                      'value="participants"/></spiffworkflow:properties></bpmn:extensionElements>') if confidential else ""
        xml = _LANE_STEP.format(key=key, name=process, lane=lane, step=step, properties=properties)
        registry.deploy(session, key, {f"{key}.bpmn": xml}, FORMS)
    version = registry.current_version(session, key)
    instance = runner.start(session, version, entity(session, entity_code).id, None, subject=subject,
                            data={"due_at": due_at.isoformat()} if due_at else {})
    return session.scalar(select(Task).where(Task.instance_id == instance.id))


OMG_PAPSY_2 = "an.declercq@gdpb.vlaanderen.example"


def colleague_papsy(session, entity_code: str = "OMG", email: str = OMG_PAPSY_2, name: str = "An De Clercq") -> User:
    """A second PAPSY of the entity, with the demo password (committed)."""
    from app.auth.accounts import assign_papsy, ensure_user
    from app.models import Role

    colleague = ensure_user(session, email, name, [Role.PAPSY], password=DEMO_PASSWORD)
    assign_papsy(session, colleague, entity(session, entity_code))
    session.commit()
    return colleague
