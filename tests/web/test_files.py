"""Uploaded certificates: the uploader and the PAPSY of the uploader's entity open them; nobody else."""
from __future__ import annotations

import pytest

from app.auth.accounts import find_user
from app.models import StoredFile
from tests.helpers import ADMIN, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, login

PDF = b"%PDF-1.4\n% attest basisopleiding\n"


@pytest.fixture
def certificate(store):
    stored = StoredFile(sha256="0" * 64, size=len(PDF), mimetype="application/pdf", content=PDF,
                        uploaded_by_id=find_user(store, OMG_CONFIDANT).id)
    store.add(stored)
    store.commit()
    return stored.id


@pytest.mark.parametrize("email, status", [(OMG_CONFIDANT, 200), (OMG_PAPSY, 200), (AWV_PAPSY, 403),
                                           (OMG_SECRETARY, 403), (ADMIN, 403)])
def test_who_may_open_a_certificate(app, certificate, email, status):
    client = app.test_client()
    login(client, email)
    response = client.get(f"/files/{certificate}")
    assert response.status_code == status
    if status == 200:
        assert response.data == PDF and response.mimetype == "application/pdf"
        assert "sandbox" in response.headers["Content-Security-Policy"]
