"""R2 and R20: a canary written into third-party facts' descriptions (through the register's pages, a refused form
among them) is found nowhere but on its own confidant's page: not in the database's bytes, Redis, the logs, the
workflow data of the measures' follow-ups, the mails, the anonymous report (as the PAPSY and the EOC secretary see
it), the PAPSY's pages, or any page an admin can open."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, text

from app.crypto import user_keys
from app.db import db
from app.demo import DEMO_PASSWORD
from app.models import ThirdPartyFact
from app.register.report import last_published_year
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, csrf_token, login, post_form, user
from tests.security.test_secrecy import (  # noqa: F401 (the fixture captured_logs)
    CANARY,
    admin_pages,
    assert_nowhere,
    captured_logs,
    database_bytes,
    redis_bytes,
)


def fact(number: int) -> dict:
    """A fact of the newest published year (the report shows published years only), a day apart."""
    day = date(last_published_year(date.today()), 6, 1) - timedelta(days=number)
    return {"occurred_on": day.isoformat(), "kind": "violence",
            "context": "counter", "third_party": "citizen", "description": f"{CANARY} aan het loket ({number})"}


def test_r20_a_canary_in_third_party_descriptions_is_found_nowhere_but_its_confidants_page(
        app, tmp_path, redis_client, captured_logs):
    with app.app_context():
        user_keys.create_for(db.session(), user(db.session(), OMG_CONFIDANT), DEMO_PASSWORD)
        db.session().commit()
    db.session.remove()
    confidant = app.test_client()
    login(confidant, OMG_CONFIDANT)
    for number in range(6):
        assert post_form(confidant, "/register/new", fact(number)).status_code == 302
    created = post_form(confidant, "/register/new", fact(7))
    assert CANARY in confidant.get(created.location).get_data(as_text=True), "its confidant reads it"
    fact_page = confidant.get(created.location).get_data(as_text=True)
    measure = confidant.post(created.location + "/measures", data={
        "proposal": "Een bel onder het loket", "owner": "Dienst facilitair", "follow_up_on": date.today().isoformat(),
        "csrf_token": csrf_token(fact_page)})
    assert measure.status_code == 302  # its follow-up process starts
    refused = post_form(confidant, "/register/new", {**fact(1), "occurred_on": "2999-01-01"})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session().scalar(select(text("count(*)")).select_from(ThirdPartyFact)) == 7
    db.session.remove()

    pages = []
    for email in (OMG_PAPSY, OMG_SECRETARY):
        reader = app.test_client()
        login(reader, email)
        pages += [reader.get(url).get_data(as_text=True) for url in ("/register/report", "/contacts", "/inbox")]
    assert "Register van feiten door derden" in pages[0] and "Een bel onder het loket" in pages[0], \
        "positive control: the PAPSY reads the report and the measures"
    assert "Een bel onder het loket" not in pages[3], "the EOC secretary reads counts only"
    pages.append(admin_pages(app, minimum=50))
    database, logs = database_bytes(app, tmp_path), captured_logs.read_bytes()
    assert b"INSERT INTO third_party_fact" in logs and database.count(b"violence") >= 7  # positive controls
    assert_nowhere(database, "the database")
    assert_nowhere(redis_bytes(redis_client), "Redis")
    assert_nowhere(logs, "the logs")
    assert_nowhere("\n".join(pages).encode(), "a page of the PAPSY, the EOC secretary or an admin")
    with app.app_context():
        workflow = db.session().execute(text("SELECT state_json FROM process_instance")).scalars().all()
        mails = db.session().execute(text("SELECT subject, body FROM outbox_message")).all()
    db.session.remove()
    assert workflow, "positive control: the measure's follow-up runs"
    assert_nowhere(repr(workflow).encode(), "workflow data")
    assert_nowhere(repr(mails).encode(), "mail")
    assert_nowhere("".join(cookie.value for cookie in confidant._cookies.values()).encode(), "a cookie")
