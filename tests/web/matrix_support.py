"""What the areas' authorization matrices (tests/web/test_*_authorization.py) share: their cells, and the fixtures
that let a test log in as many actors as it needs. A matrix module imports the fixtures by name to use them."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.web.test_authorization_matrix import ACTORS, as_actor, session_csrf


def cells(matrix: list[tuple], id_columns: tuple[int, ...] = (0, 2)) -> list:
    """One test per row and actor: (row, actor, expected), named by the row's method and URL (and ``id_columns``)."""
    return [pytest.param(row, actor, expected, id=" ".join([*(str(row[column]) for column in id_columns), actor]))
            for row in matrix for actor, expected in zip(ACTORS, row[5:], strict=True)]


def act(app, store, actor: str, method: str, url: str, snapshot, data: dict | None = None, *, api: bool = False,
        **post_kwargs) -> tuple:
    """One cell's request: signs in as ``actor`` (a bearer token for the API), takes ``snapshot(store)`` and sends
    ``method`` to ``url``; a web POST carries ``data`` with the session's CSRF token, an API POST ``data`` as JSON.
    Returns (response, the snapshot taken before it). The snapshot follows the login, which may store a token."""
    client, headers = as_actor(app, store, actor, api)
    before = snapshot(store)
    if method == "GET":
        response = client.get(url, headers=headers)
    elif api:
        response = client.post(url, json=data, headers=headers)
    else:
        response = client.post(url, data={**(data or {}), "csrf_token": session_csrf(client, actor)}, **post_kwargs)
    return response, before


def redirected_to(response, expected) -> str | None:
    """Checks a cell's answer: an ``expected`` status (an int) must be the response's, and None comes back; any other
    ``expected`` names a redirect, so the answer must be a 302, and its path comes back for the module to check."""
    where = urlsplit(response.location or "").path
    if isinstance(expected, int):
        assert response.status_code == expected, (response.status_code, where)
        return None
    assert response.status_code == 302, (response.status_code, expected)
    return where


@pytest.fixture
def app(app):
    app.extensions["vertrouwd_settings"].login_rate_limit = "1000 per minute"  # tests log in often
    return app


@pytest.fixture
def store(store):
    """Ends this object's transaction too: a request replaced the thread's session, and on PostgreSQL an idle
    transaction would block the next test's TRUNCATE."""
    yield store
    store.rollback()
