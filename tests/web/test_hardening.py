"""Hardening (issue 8, item 12): HSTS behind HTTPS, failed logins slow an account down without locking it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.conftest import build_app
from tests.helpers import OMG_SECRETARY, csrf_token

HSTS = "max-age=31536000; includeSubDomains"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("secure", [True, False])
def test_item12_hsts_only_when_cookies_are_https_only(database_url, redis_url, tmp_path, secure):
    app = build_app(database_url, redis_url, tmp_path, SESSION_COOKIE_SECURE=secure)
    for path in ("/login", "/api/v1/openapi.json", "/no-such-page"):
        response = app.test_client().get(path)
        assert response.headers.get("Strict-Transport-Security") == (HSTS if secure else None), path
