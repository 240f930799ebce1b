"""The training deadline through the web pages: the new confidant uploads the certificate, the PAPSY opens it."""
from __future__ import annotations

import io
import re

from app.auth.accounts import find_user, set_password
from app.models import StoredFile
from tests.helpers import OMG_PAPSY, OMG_SECRETARY, appointment_form, csrf_token, login, post_form

CANDIDATE = "jana.vermeulen@omgeving.vlaanderen.example"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def appoint(app, store) -> None:
    secretary, papsy = app.test_client(), app.test_client()
    login(secretary, OMG_SECRETARY)
    post_form(secretary, "/processes/appointment/start", {"entity": "OMG", **appointment_form()})
    login(papsy, OMG_PAPSY)
    review_url = re.search(r'href="(/tasks/\d+)">Aanstelling nakijken', papsy.get("/inbox").get_data(as_text=True))
    post_form(papsy, review_url.group(1), {"decision": "approve"})
    set_password(find_user(store, CANDIDATE), "jana-haar-wachtwoord")
    store.commit()


def test_r11_the_new_confidant_uploads_the_certificate_and_the_papsy_opens_it(app, store):
    appoint(app, store)
    jana = app.test_client()
    login(jana, CANDIDATE, "jana-haar-wachtwoord")
    inbox = jana.get("/inbox").get_data(as_text=True)
    assert "Attest basisopleiding opladen" in inbox and "15 okt. 2028 23:59" in inbox  # due: the end of 15 October
    upload_url = re.search(r'href="(/tasks/\d+)">Attest basisopleiding opladen', inbox).group(1)
    page = jana.get(upload_url).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    response = jana.post(upload_url, data={"csrf_token": csrf_token(page), "training_completed_on": "2027-05-20",
                                           "certificate": (io.BytesIO(PDF), "attest.pdf")},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    assert store.query(StoredFile).count() == 1

    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    review_url = re.search(r'href="(/tasks/\d+)">Attest basisopleiding nakijken',
                           papsy.get("/inbox").get_data(as_text=True)).group(1)
    review = papsy.get(review_url).get_data(as_text=True)
    file_url = re.search(r'href="(/files/\d+)">Bestand openen', review).group(1)
    assert papsy.get(file_url).data == PDF


def test_r11_a_file_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_stored(app, store):
    appoint(app, store)
    jana = app.test_client()
    login(jana, CANDIDATE, "jana-haar-wachtwoord")
    upload_url = re.search(r'href="(/tasks/\d+)">Attest basisopleiding opladen',
                           jana.get("/inbox").get_data(as_text=True)).group(1)
    page = jana.get(upload_url).get_data(as_text=True)
    response = jana.post(upload_url, data={"csrf_token": csrf_token(page), "training_completed_on": "2027-05-20",
                                           "certificate": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "attest.pdf")},
                         content_type="multipart/form-data")
    assert response.status_code == 422
    store.expire_all()
    assert store.query(StoredFile).count() == 0


def test_r11_the_inbox_reminds_of_a_deadline_within_14_days_and_then_shows_it_late(app, store):
    from datetime import datetime, timezone

    import time_machine

    appoint(app, store)
    with time_machine.travel(datetime(2028, 10, 5, 12, 0, tzinfo=timezone.utc), tick=False):
        jana = app.test_client()
        login(jana, CANDIDATE, "jana-haar-wachtwoord")
        inbox = jana.get("/inbox").get_data(as_text=True)
        assert "1 taak nadert haar termijn (binnen 14 dagen)." in inbox and "nog 10 dagen" in inbox
        assert "te laat" not in inbox
    with time_machine.travel(datetime(2028, 10, 16, 12, 0, tzinfo=timezone.utc), tick=False):
        jana = app.test_client()  # no worker fired the deadline yet: the task still waits, late
        login(jana, CANDIDATE, "jana-haar-wachtwoord")
        inbox = jana.get("/inbox").get_data(as_text=True)
        assert "1 taak is te laat." in inbox and "badge--late" in inbox and "nadert" not in inbox
