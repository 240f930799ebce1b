"""R18's pages: the EOC secretary reads their entity's evaluation (never another entity's, never the PAPSY's signals
per confidant), the PAPSY sees who is called for a conversation, the PDF is a PDF with the entity's name, and an
admin regenerates without reading a figure."""
from __future__ import annotations

from datetime import datetime, timezone

import pypdfium2
import time_machine
from sqlalchemy import select, update

from app.db import db
from app.evaluation import services
from app.models import Confidant, Task
from tests.helpers import ADMIN, AWV_SECRETARY, OMG_PAPSY, OMG_SECRETARY, entity, login, visible_text


def generated(app, year: int = 2026) -> None:
    """The year's evaluations, of confidants on the platform since 2020 (so that empty years count)."""
    with app.app_context():
        session = db.session()
        session.execute(update(Confidant).values(created_at=datetime(2020, 1, 1, tzinfo=timezone.utc)))
        for code in ("OMG", "AWV"):
            services.generate(session, entity(session, code), year)
        session.commit()


def pdf_text(document: bytes) -> str:
    pdf = pypdfium2.PdfDocument(document)
    return "".join(page.get_textpage().get_text_range() for page in pdf)


def test_r18_the_eoc_secretary_reads_their_entity_only_and_gets_a_pdf(app):
    with time_machine.travel(datetime(2027, 1, 15, 6, 0, tzinfo=timezone.utc), tick=False):
        generated(app)
        client = app.test_client()
        login(client, OMG_SECRETARY)
        listed = visible_text(client.get("/evaluations").get_data(as_text=True))
        assert "Evaluatie 2026" in listed and "Agentschap Wegen en Verkeer" not in listed
        page = client.get("/evaluations/OMG/2026")
        text = visible_text(page.get_data(as_text=True))
        assert page.status_code == 200 and "Sofie Claes" in text and "< 5" in text
        assert "Gesprek over de werking" not in text and "Overleg over delicate zaken" in text  # the entity's total
        assert client.get("/evaluations/AWV/2026").status_code == 403
        assert client.get("/evaluations/AWV/2026.pdf").status_code == 403
        assert client.get("/evaluations/OMG/2019").status_code == 404
        document = client.get("/evaluations/OMG/2026.pdf")
        assert document.status_code == 200 and document.mimetype == "application/pdf"
        assert document.data.startswith(b"%PDF") and "Departement Omgeving" in pdf_text(document.data)


def test_r18_the_papsy_sees_the_conversation_signal_and_the_admin_no_figures(app):
    with time_machine.travel(datetime(2027, 1, 15, 6, 0, tzinfo=timezone.utc), tick=False):
        generated(app)
        papsy = app.test_client()
        login(papsy, OMG_PAPSY)
        text = visible_text(papsy.get("/evaluations/OMG/2026").get_data(as_text=True))
        assert "drie jaar zonder dossier: gesprek gevraagd" in text and "niet nodig" in text  # Sofie, Koen
        with app.app_context():
            session = db.session()
            task_id = session.scalar(select(Task.id).where(Task.spec_name == "hold_conversation",
                                                           Task.entity_id == entity(session, "OMG").id))
        form = visible_text(papsy.get(f"/tasks/{task_id}").get_data(as_text=True))
        assert "Gesprek over de werking" in form and "Notities" in form and "2024, 2025 en 2026" in form
        admin = app.test_client()
        login(admin, ADMIN)
        listed = visible_text(admin.get("/evaluations").get_data(as_text=True))
        assert "Departement Omgeving" in listed and "Opnieuw maken" in listed and "Sofie" not in listed
        assert admin.get("/evaluations/OMG/2026").status_code == 403
        secretary = app.test_client()
        login(secretary, AWV_SECRETARY)
        assert secretary.get("/evaluations/OMG/2026").status_code == 403
