"""Login time with the production Argon2id cost (issue 8: it must stay under 1 s on this machine).

In-process (Flask's test client, no network), on a scratch SQLite database with the demo people made at the
production cost (ARGON2_* defaults: 3 passes, 64 MiB, 4 lanes). Each round logs a confidant in through the real
forms: the password step (the password hash is checked, the private key is opened with Argon2id, the session is
stored server-side) and the second-factor step (TOTP code, a new session token); then logs out.

    .venv/bin/python bench/login.py [--rounds 10]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, update  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db import db  # noqa: E402
from app.models import User, UserKey  # noqa: E402
from tests.conftest import DEFAULT_REDIS, _migrate, build_app  # noqa: E402
from tests.helpers import OMG_CONFIDANT, csrf_token, login, totp_code  # noqa: E402



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    defaults = Settings(database_url="sqlite://", redis_url=DEFAULT_REDIS, secret_key="x", totp_key="x", audit_key="x")
    cost = {"ARGON2_TIME_COST": defaults.argon2_time_cost, "ARGON2_MEMORY_KIB": defaults.argon2_memory_kib,
            "ARGON2_PARALLELISM": defaults.argon2_parallelism}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        _migrate(url)
        app = build_app(url, DEFAULT_REDIS, Path(folder), **cost)
        app.extensions["vertrouwd_settings"].login_rate_limit = "1000 per minute"  # one address logs in often
        client = app.test_client()
        login(client, OMG_CONFIDANT)  # enrols the second factor once
        logout(client)
        password_ms, code_ms = [], []
        for _ in range(args.rounds):
            forget_last_code(OMG_CONFIDANT)
            first, second = timed_login(client, OMG_CONFIDANT)
            password_ms.append(first)
            code_ms.append(second)
            logout(client)
        sealed_with, hashed_with = stored_costs(OMG_CONFIDANT)
    print(f"Argon2id: {cost['ARGON2_TIME_COST']} passes, {cost['ARGON2_MEMORY_KIB']} KiB, "
          f"{cost['ARGON2_PARALLELISM']} lanes; {args.rounds} logins")
    print(f"the confidant's sealed key: {sealed_with}; password hash: {hashed_with}")
    for name, values in (("password step", password_ms), ("code step", code_ms),
                         ("whole login", [a + b for a, b in zip(password_ms, code_ms)])):
        print(f"{name:14s} p50 {statistics.median(values):7.1f} ms   max {max(values):7.1f} ms")


def timed_login(client, email: str) -> tuple[float, float]:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    started = time.perf_counter()
    response = client.post("/login", data={"email": email, "password": "vertrouwd-demo", "csrf_token": token})
    password_step = (time.perf_counter() - started) * 1000
    assert response.status_code == 302 and response.location.endswith("/login/code"), response.status_code
    token = csrf_token(client.get("/login/code").get_data(as_text=True))
    code = totp_code(client, email)
    started = time.perf_counter()
    response = client.post("/login/code", data={"code": code, "csrf_token": token})
    code_step = (time.perf_counter() - started) * 1000
    assert response.status_code == 302, response.status_code
    return password_step, code_step


def stored_costs(email: str) -> tuple[str, str]:
    """What the database says the key and the password were made with (so the figures are of production cost)."""
    with db.engine.connect() as connection:
        user_id, password_hash = connection.execute(
            select(User.id, User.password_hash).where(User.email == email)).one()
        kdf = connection.execute(select(UserKey.kdf_params).where(UserKey.user_id == user_id)).scalar_one()
    return kdf, password_hash.split("$")[3]


def forget_last_code(email: str) -> None:
    """Each round may use the current code again (a real user logs in once per code step)."""
    with db.engine.begin() as connection:
        connection.execute(update(User).where(User.email == email).values(totp_last_step=None))


def logout(client) -> None:
    page = client.get("/inbox").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})


if __name__ == "__main__":
    main()
