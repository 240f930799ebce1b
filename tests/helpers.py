"""Test helpers: the demo people, valid form data, logging in through the real login form."""
from __future__ import annotations

import re

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
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": password,
                                            "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
    return response


def post_form(client, url: str, data: dict, **kwargs):
    """GET the page for its CSRF token, then POST ``data`` to it."""
    page = client.get(url)
    assert page.status_code == 200, f"GET {url}: {page.status_code}"
    return client.post(url, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))}, **kwargs)
