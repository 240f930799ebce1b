"""The API answers as its OpenAPI document and HTTP say, also when it refuses."""
from __future__ import annotations

from app.api.openapi import OPENAPI
from tests.api_client import bearer
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY


def test_every_answer_of_get_confidants_is_in_the_openapi_document(app):
    """The 403 for someone outside the GDPB asking status=inactive is a documented answer of GET /confidants,
    so clients generated from the document expect it."""
    response = app.test_client().get("/api/v1/confidants?status=inactive", headers=bearer(app, OMG_CONFIDANT))
    assert response.status_code < 500
    assert str(response.status_code) in OPENAPI["paths"]["/confidants"]["get"]["responses"]


def test_method_not_allowed_says_which_methods_are(app):
    """A 405 names the allowed methods in its Allow header (RFC 9110 15.5.6), also through our error page."""
    response = app.test_client().delete("/api/v1/tasks", headers=bearer(app, OMG_PAPSY))
    assert response.status_code == 405 and response.headers.get("Allow")
