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


@pytest.fixture
def attempt(database_url, redis_url, tmp_path):
    """POST one login for OMG_SECRETARY (the per-address limit raised: this is about the account)."""
    app = build_app(database_url, redis_url, tmp_path)
    app.extensions["vertrouwd_settings"].login_rate_limit = "1000 per minute"

    def post(password: str, email: str = OMG_SECRETARY):
        client = app.test_client()
        token = csrf_token(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    return post


def test_item12_failed_logins_delay_the_account_and_the_owner_gets_in_after_the_delay(attempt):
    with time_machine.travel(T0, tick=False) as clock:
        assert [attempt("wrong-password-1").status_code for _ in range(5)] == [401] * 5
        slowed = attempt("vertrouwd-demo")
        assert slowed.status_code == 429, "within the delay the right password is not even checked"
        assert slowed.headers["Retry-After"] == "1"
        assert "Probeer opnieuw vanaf 10:00:01" in slowed.get_data(as_text=True)  # Brussels time
        assert [attempt("wrong-password-1").status_code for _ in range(20)] == [429] * 20, "refused, not counted"
        clock.shift(1)
        assert attempt("vertrouwd-demo").status_code == 302, "the owner is delayed, not locked out"


def test_item12_the_delay_doubles_up_to_fifteen_minutes_and_a_success_resets_it(attempt):
    waits = []
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(4):
            assert attempt("wrong-password-1").status_code == 401
        for _ in range(13):
            assert attempt("wrong-password-1").status_code == 401
            refused = attempt("wrong-password-1")
            assert refused.status_code == 429
            waits.append(int(refused.headers["Retry-After"]))
            clock.shift(waits[-1])
        assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]
        assert attempt("vertrouwd-demo").status_code == 302
        assert [attempt("wrong-password-1", email=OMG_SECRETARY).status_code for _ in range(2)] == [401, 401], \
            "a success starts the count again"


def test_item12_an_unknown_address_is_slowed_down_alike_and_a_quiet_day_forgets(attempt):
    stranger = "niemand@omgeving.vlaanderen.example"
    with time_machine.travel(T0, tick=False) as clock:
        statuses = [attempt("wrong-password-1", email=stranger).status_code for _ in range(6)]
        assert statuses == [401] * 5 + [429], "the delay does not tell which accounts exist"
        clock.shift(timedelta(days=1, seconds=2))
        assert attempt("wrong-password-1", email=OMG_SECRETARY).status_code == 401
        assert [attempt("wrong-password-1", email=stranger).status_code for _ in range(2)] == [401, 401], \
            "counted from zero again"
