"""Laying down the role's pages as a person reaches them (R19), for the axe-core audit (tests/e2e/test_accessibility.py)
and the journey (test_resignation_journey.py): the confidant's own page before and during, the hand-over page with a
refusal, the role endings the PAPSY follows, and a removal refused without the representatives' agreement."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from app.crypto import user_keys
from app.db import db
from app.demo import DEMO_PASSWORD
from app.dossiers import services as dossiers
from app.lifecycle import resignation
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, user

OMG_SECOND = "koen.maes@omgeving.vlaanderen.example"


def arrange(count: int = 2, start: bool = False) -> list[int]:
    """The OMG confidant and her colleague with key pairs; ``count`` open dossiers of hers, opened 10 days ago; with
    ``start`` her resignation from 20 days on. Returns the dossiers' numbers."""
    session = db.session()
    try:
        for email in (OMG_CONFIDANT, OMG_SECOND):
            user_keys.create_for(session, user(session, email), DEMO_PASSWORD)
        sofie = user(session, OMG_CONFIDANT)
        opened = resignation.today() - timedelta(days=10)
        numbers = [dossiers.register(session, sofie, {
            "opened_on": opened, "requester": f"Verzoeker {n}", "themes": ["conflict"], "persons": ["colleague"],
            "interventions": ["listening"], "note": "Eerste gesprek."}).id for n in range(count)]
        if start:
            resignation.start_resignation(session, sofie, resignation.today() + timedelta(days=20))
        session.commit()
        return numbers
    finally:
        db.session.remove()


def resignation_start_errors(page: Page, base: str, log_in) -> None:
    """The confidant's page before laying down the role, sent with a date in the past."""
    arrange()
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/role-endings/mine")
    page.get_by_label("Datum van ingang").fill((resignation.today() - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Mijn rol neerleggen").click()
    expect(page.get_by_text("De datum van ingang kan niet in het verleden liggen.")).to_be_visible()


def resignation_running(page: Page, base: str, log_in) -> None:
    arrange(start=True)
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/role-endings/mine")
    expect(page.get_by_text("Uw rol eindigt op")).to_be_visible()


def resignation_dossiers_refused(page: Page, base: str, log_in) -> None:
    """The hand-over page after a hand-over sent without the requester's consent."""
    first, _second = arrange(start=True)
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/role-endings/mine/dossiers")
    row = page.get_by_role("region", name=f"Dossier {first}")
    row.get_by_label("Aan wie").select_option(label="Koen Maes (Vertrouwenspersoon)")
    row.get_by_role("button", name=f"Dossier {first} overdragen").click()
    expect(page.get_by_text("Zonder de toestemming van de verzoeker wordt een dossier niet gedeeld.").first).to_be_visible()


def role_endings(page: Page, base: str, log_in) -> None:
    """The PAPSY's list with the resignation in progress."""
    arrange(start=True)
    log_in(OMG_PAPSY)
    page.goto(f"{base}/role-endings")
    expect(page.get_by_role("link", name="Sofie Claes")).to_be_visible()


def removal_refused(page: Page, base: str, log_in) -> None:
    """The EOC secretary's removal against the confidant's will, without the representatives' agreement."""
    log_in(OMG_SECRETARY)
    page.goto(f"{base}/role-endings/removal")
    page.get_by_label("Vertrouwenspersoon (verplicht)").select_option(label="Koen Maes")
    page.get_by_label("Datum van ingang").fill((resignation.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Ontheffing starten").click()  # without the representatives' agreement
    expect(page.get_by_role("alert")).to_contain_text("advies van de arbeidsinspectie")
