"""The retention pages (M27) for the axe audit (tests/e2e/test_accessibility.py PAGES): the PAPSY's overview with a
dossier nearing its shredding and a held one, a dossier's hold form refused (reason too short), and the confidant's
page of a shredded dossier."""
from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from app.crypto import user_keys
from app.db import db
from app.demo import DEMO_PASSWORD
from app.dossiers import services as dossiers
from app.models import Dossier
from app.retention import holds, services
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, user


def arrange_retention() -> dict[str, int]:
    """Three closed dossiers of the OMG confidant: one to be shredded in 20 days, one held, one shredded."""
    session = db.session()
    try:
        confidant = user(session, OMG_CONFIDANT)
        if user_keys.public_key(session, confidant.id) is None:
            user_keys.create_for(session, confidant, DEMO_PASSWORD)
        today, made = date.today(), {}
        for name, closed_on in (("near", services.years_after(today + timedelta(days=20), -5)),
                                ("held", today - timedelta(days=400)), ("shredded", today - timedelta(days=6 * 366))):
            dossier = dossiers.register(session, confidant, {
                "opened_on": closed_on - timedelta(days=30), "requester": "Verzoeker", "themes": ["conflict"],
                "persons": ["colleague"], "interventions": ["listening"], "note": "Gesprek."})
            dossiers.close(session, confidant, dossier.id, closed_on, "resolved")
            made[name] = dossier.id
        holds.set_hold(session, user(session, OMG_PAPSY), made["held"], "Gerechtelijke procedure, vordering van maart")
        services.shred(session, session.get(Dossier, made["shredded"]))
        session.commit()
        return made
    finally:
        db.session.remove()


def retention_overview(page: Page, base: str, log_in) -> None:
    arrange_retention()
    log_in(OMG_PAPSY)
    page.get_by_role("link", name="Netwerk").click()
    page.get_by_role("link", name="Bewaartermijnen").click()
    expect(page.get_by_role("heading", level=1, name="Bewaring van dossiers")).to_be_visible()
    expect(page.get_by_text("Gerechtelijke procedure, vordering van maart")).to_be_visible()


def retention_hold_refused(page: Page, base: str, log_in) -> None:
    made = arrange_retention()
    log_in(OMG_PAPSY)
    page.goto(f"{base}/retention/dossiers/{made['near']}")
    page.get_by_label("Reden van de bewaring").fill("kort")
    page.get_by_role("button", name="Bewaring opleggen").click()
    expect(page.get_by_text("Geef de reden van de bewaring in 10 tot 500 tekens.")).to_be_visible()


def shredded_dossier(page: Page, base: str, log_in) -> None:
    made = arrange_retention()
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/dossiers/{made['shredded']}")
    expect(page.get_by_text("Vernietigd op", exact=False).first).to_be_visible()
