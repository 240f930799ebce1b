"""F2 in a real browser: an admin creates a confidant, who chooses her own password through the setup link, enrols
TOTP and registers a dossier; after the admin's reset her old dossier stays locked (with the explanation) until
recovery, and her temporary password opens only the page to choose her own. Screenshots at 1280 and 390 px."""
from __future__ import annotations

from datetime import datetime, timezone

import pyotp
import pytest
from playwright.sync_api import expect

from tests.helpers import ADMIN

pytestmark = pytest.mark.browser

NEWCOMER, NAME = "jana.vermeulen@omgeving.vlaanderen.example", "Jana Vermeulen"
OWN, TEMPORARY, OWN_AGAIN = "mijn-eigen-wachtwoord-1", "tijdelijk-van-de-beheerder-2", "weer-mijn-eigen-3"


def test_f2_new_confidant_chooses_her_own_password_and_a_reset_locks_her_old_dossiers(
        page, live_server, log_in, log_out, screenshot):
    def both(name: str) -> None:
        screenshot(f"{name}-1280")
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot(f"{name}-390")
        page.set_viewport_size({"width": 1280, "height": 720})

    log_in(ADMIN)
    page.get_by_role("link", name="Beheer").click()
    page.get_by_role("link", name="Nieuwe gebruiker").click()
    page.get_by_label("Naam").fill(NAME)
    page.get_by_label("E-mailadres").fill(NEWCOMER)
    page.get_by_label("Rol").select_option("confidant")
    page.get_by_label("Entiteit").select_option("OMG")
    both("new-user")
    page.get_by_role("button", name="Gebruiker maken").click()
    expect(page.get_by_role("heading", level=1, name=f"Gebruiker gemaakt: {NAME}")).to_be_visible()
    both("user-created")
    link = page.locator("#setup-link-url").inner_text()
    log_out()

    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Kies uw wachtwoord")).to_be_visible()
    both("setup-link")
    choose(page, OWN)
    expect(page.get_by_role("heading", level=1, name="Tweede stap instellen")).to_be_visible()
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text())  # the key shown, as her phone keeps it
    enrolled_step = totp.timecode(datetime.now(timezone.utc))
    page.get_by_label("Code").fill(totp.generate_otp(enrolled_step))
    page.get_by_role("button", name="Bevestigen").click()
    page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    expect(page.get_by_role("heading", level=1, name="Mijn taken")).to_be_visible()

    page.get_by_role("link", name="Mijn dossiers").click()
    page.get_by_role("link", name="Nieuw verzoek registreren").click()
    page.get_by_label("Geopend op").fill("2026-11-02")
    page.get_by_label("Naam of initialen van de verzoeker").fill("M.N.")
    page.get_by_label("Stress").check()
    page.get_by_label("Collega").check()
    page.get_by_label("Luisteren en advies").check()
    page.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_text("M.N.")).to_be_visible()
    dossier_url = page.url
    log_out()

    log_in(ADMIN)
    page.get_by_role("link", name="Beheer").click()
    page.get_by_role("link", name=NAME).click()
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(TEMPORARY)
    page.get_by_label("Nieuw wachtwoord, nog eens").fill(TEMPORARY)
    page.get_by_role("button", name="Tijdelijk wachtwoord instellen en sleutelpaar verwijderen").click()
    expect(page.get_by_text(f"{NAME} heeft nu een tijdelijk wachtwoord.")).to_be_visible()
    expect(page.get_by_text(f"Het oude sleutelpaar van {NAME} is verwijderd.")).to_be_visible()
    both("admin-user-after-reset")
    log_out()

    page.goto(f"{live_server}/login")
    page.get_by_label("E-mailadres").fill(NEWCOMER)
    page.get_by_label("Wachtwoord").fill(TEMPORARY)
    page.get_by_role("button", name="Aanmelden").click()
    step = max(totp.timecode(datetime.now(timezone.utc)), enrolled_step + 1)  # a code works once
    page.get_by_label("Code").fill(totp.generate_otp(step))
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("heading", level=1, name="Kies uw eigen wachtwoord")).to_be_visible()
    page.goto(dossier_url)
    expect(page.get_by_role("heading", level=1, name="Kies uw eigen wachtwoord")).to_be_visible()
    both("choose-password")
    choose(page, OWN_AGAIN)
    expect(page.get_by_role("heading", level=1, name="Mijn taken")).to_be_visible()
    page.goto(dossier_url)
    expect(page.get_by_role("heading", level=1, name="Dossier vergrendeld")).to_be_visible()
    expect(page.get_by_text("De herstelprocedure (aan te vragen door de PAPSY")).to_be_visible()
    expect(page.get_by_text("M.N.")).to_have_count(0)


def choose(page, password: str) -> None:
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(password)
    page.get_by_label("Nieuw wachtwoord, nog eens").fill(password)
    page.get_by_role("button", name="Wachtwoord instellen").click()
