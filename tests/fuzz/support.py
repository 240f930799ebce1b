"""Shared pieces of the property-based (hypothesis) fuzz tests: a fingerprint of the whole database, text
strategies that go near the edges of the forms' rules, and the OpenAPI response checks.

The quality bar: bad input gets a clear message and changes nothing (no 500s, no half-saved state, no lost data).

The generators cover every bug found so far (NUL in looked-up values, lone surrogates through JSON, e-mails that
grow when lowercased, undocumented statuses); each bug has a regression test with the tests of its subject
(tests/web/test_api_bad_input.py, test_bad_input.py, test_api_contract.py, ...). Should a new bug need to be kept
out of a generator while it is open, say so here and give it a strict xfail there.
"""
from __future__ import annotations

import hashlib
import itertools
import json

from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from sqlalchemy import select

from app.api.openapi import OPENAPI
from app.db import Base, db

# -- the database -------------------------------------------------------------------------------------------------

NOT_STATE = {"web_session"}  # the session store: a refused request still refreshes its session (last seen, a flash)


def fingerprint() -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of all its rows: equal before and after means nothing changed."""
    result = {}
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_STATE:
                continue
            rows = sorted(repr(tuple(row)) for row in connection.execute(select(table)))
            result[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode("utf-8", "backslashreplace"))
                                  .hexdigest()[:16])
    return result


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


# -- text ---------------------------------------------------------------------------------------------------------

# Any Unicode that UTF-8 can carry (so no lone surrogates), control characters and NUL included.
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
LOOKUP_TEXT = TEXT  # values the database looks up (model, entity): NUL included
# Through JSON escapes an API client can also send lone surrogates, which no form post can carry.
API_TEXT = st.one_of(TEXT, st.sampled_from(["\udc80", "x\ud800y", "\udfff" * 3]))
# Characters that break naive code: C0/C1 controls, line and paragraph separators, BOM, bidi override, a letter
# whose lowercase is longer, astral emoji, HTML and template syntax, quotes, escapes.
ODD_CHARACTERS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\u202e", "\u0130",
                       "\U0001f600", "\u00e9", "<b>", "&amp;", "'", '"', "%s", "\\", "{{ 7*7 }}", "\r\n", "\t", " "]
NUMBERS = st.one_of(st.integers().map(str), st.floats().map(str),
                    st.sampled_from(["0", "-0", "1e309", "NaN", "-inf", "1,5", "0x10", "\u0661\u0662"]))
DATES = st.one_of(st.dates().map(str), st.sampled_from([
    "2026-02-30", "2026-02-29", "2024-02-29", "2026-13-01", "2026-00-10", "0000-01-01", "9999-12-31", "2026-1-5",
    "20261015", "2026-10-15T00:00:00", " 2026-10-15 ", "\uff12\uff10\uff12\uff16-10-15", "15/10/2026"]))
LONG = st.sampled_from(["x" * 201, "y" * 255, "\U0001f600" * 201, "z" * 5_000, "w" * 100_000])


def near(valid: str, lookup: bool = False) -> st.SearchStrategy[str]:
    """Strings close to a valid one: an odd character inserted, cut or repeated to a length around the
    limits (1, 2, 100, 200, 254 ...), padded with whitespace, upper-cased, or something else entirely.
    ``lookup``: for values the database looks up."""
    odd = st.sampled_from(ODD_CHARACTERS)
    return st.one_of(
        st.tuples(st.integers(0, len(valid)), odd).map(lambda t: valid[:t[0]] + t[1] + valid[t[0]:]),
        st.integers(0, 300).map(lambda n: (valid * (n // max(len(valid), 1) + 1))[:n]),
        st.sampled_from([" ", "  ", "\t", "\n"]).map(lambda pad: pad + valid + pad),
        st.just(valid.upper()),
        LOOKUP_TEXT if lookup else TEXT, NUMBERS, DATES, LONG,
    )


def json_values(text: st.SearchStrategy[str] = TEXT) -> st.SearchStrategy:
    """JSON values of every type, nested a little."""
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                       text)
    return st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(text, inner, max_size=3)), max_leaves=8)


JSON_VALUES = json_values(API_TEXT)
LOOKUP_JSON_VALUES = json_values(API_TEXT)  # for 'model' and 'entity'

# JSON nested deeper than the parser goes (it must be a 422, see tests/web/test_api_bad_input.py).
DEEP_JSON = st.integers(900, 60_000).map(lambda depth: "[" * depth + "]" * depth)


_CANDIDATES = itertools.count(1)


def fresh_candidate(data, valid_email: str):
    """``data`` with the valid candidate e-mail replaced by a new one: an active confidant cannot be appointed
    twice (R1), so every example that keeps the valid e-mail gets a candidate of its own."""
    if isinstance(data, dict) and data.get("candidate_email") == valid_email:
        local, _, domain = valid_email.partition("@")
        return {**data, "candidate_email": f"{local}.{next(_CANDIDATES)}@{domain}"}
    return data


# -- the API's OpenAPI document -----------------------------------------------------------------------------------

def assert_conforms(method: str, path: str, response) -> None:
    """The status is documented for the operation, and a JSON body matches the documented schema."""
    operation = OPENAPI["paths"][path][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {path}: undocumented status {status}"
    schema = operation["responses"][status].get("content", {}).get("application/json", {}).get("schema")
    if schema is not None:
        assert response.is_json, f"{method} {path} {status}: not JSON"
        validator = Draft202012Validator({**schema, "components": OPENAPI["components"]},
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
                  for error in validator.iter_errors(response.get_json())]
        assert not errors, f"{method} {path} {status}: body does not match the OpenAPI schema: {errors[:3]}"


def json_request(body) -> dict:
    """Keyword arguments for the test client: ``body`` as JSON text, non-ASCII escaped as \\uXXXX."""
    return {"data": json.dumps(body), "content_type": "application/json"}
