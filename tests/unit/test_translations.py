"""The English catalog: every Dutch message in the source has an English translation that keeps its placeholders.

When a test here fails after you added or changed a Dutch string, update the catalog and translate:

    .venv/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o /tmp/messages.pot .
    .venv/bin/pybabel update -i /tmp/messages.pot -d app/translations
    # fill in the empty (and fuzzy) msgstr entries in app/translations/en/LC_MESSAGES/messages.po
"""
from __future__ import annotations

import gettext
import io
import re
from collections import defaultdict

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.config import PROJECT_ROOT
from app.i18n import TRANSLATIONS
from tests.helpers import OMG_SECRETARY, csrf_token, login

ENGLISH_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
# The same keywords as `pybabel extract -k lazy_gettext -k _l` (babel's defaults include _, gettext, ngettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
# A printf-style placeholder: %(name)s, %(num)d, %(limit).2f, ... (not the escaped %%).
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")


def _placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", ""))}


def _source_messages() -> dict[str | tuple[str, ...], list[str]]:
    """Every msgid (a tuple for ngettext) in the source, with where it occurs; extracted as babel.cfg says."""
    with (PROJECT_ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str | tuple[str, ...], list[str]] = defaultdict(list)
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS):
        found[message].append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def source_messages():
    messages = _source_messages()
    assert messages, "no messages extracted: does babel.cfg still point at app/**.py and app/templates/**.html?"
    return messages


@pytest.fixture(scope="module")
def english():
    assert ENGLISH_PO.exists(), f"{ENGLISH_PO} is missing; create it with `pybabel init ... -l en`"
    with ENGLISH_PO.open("rb") as po_file:
        return read_po(po_file, locale="en")


def _msgid(message) -> str:
    return message[0] if isinstance(message, tuple) else message


def test_every_source_message_has_an_english_translation(source_messages, english):
    problems = []
    for message, where in sorted(source_messages.items(), key=lambda item: _msgid(item[0])):
        entry = english.get(_msgid(message))
        if entry is None:
            problems.append(f"not in the catalog: {_msgid(message)!r} ({where[0]})")
            continue
        if isinstance(message, tuple) and not isinstance(entry.id, tuple):
            problems.append(f"plural (ngettext) in the source but singular in the catalog: {_msgid(message)!r}")
            continue
        if isinstance(message, tuple) and entry.id[1] != message[1]:
            problems.append(f"plural form changed in the source: {_msgid(message)!r} ({where[0]})")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(string and string.strip() for string in strings):
            problems.append(f"no English translation: {_msgid(message)!r} ({where[0]})")
        elif entry.fuzzy:
            problems.append(f"fuzzy (check and remove the fuzzy flag): {_msgid(message)!r} ({where[0]})")
    assert not problems, (
        f"{len(problems)} message(s) lack an English translation in {ENGLISH_PO.relative_to(PROJECT_ROOT)}; "
        "run `pybabel extract` + `pybabel update` (see this module's docstring) and translate:\n  "
        + "\n  ".join(problems))


def test_translations_keep_the_placeholders(english):
    problems = []
    for entry in english:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set().union(*(_placeholders(text) for text in ids))
        for string in strings:
            if string and _placeholders(string) != expected:
                problems.append(f"{ids[0]!r} -> {string!r}: expected {sorted(expected)}, "
                                f"got {sorted(_placeholders(string))}")
    assert not problems, "placeholders differ between the Dutch and English text:\n  " + "\n  ".join(problems)


def test_the_catalog_has_no_errors_and_compiles(english):
    errors = [f"{message.id!r}: {'; '.join(map(str, errs))}" for message, errs in english.check()]
    assert not errors, "catalog errors:\n  " + "\n  ".join(errors)
    compiled = io.BytesIO()
    write_mo(compiled, english)
    compiled.seek(0)
    translations = gettext.GNUTranslations(compiled)
    assert translations.gettext("Mijn taken") == "My tasks"
    assert translations.ngettext("%(num)d taak wacht op u", "%(num)d taken wachten op u", 1) \
        == "%(num)d task is waiting for you"
    assert translations.ngettext("%(num)d taak wacht op u", "%(num)d taken wachten op u", 3) \
        == "%(num)d tasks are waiting for you"


def test_a_request_in_english_renders_english(client):
    login(client, OMG_SECRETARY)
    page = client.get("/inbox").get_data(as_text=True)
    assert '<html lang="nl">' in page and "Mijn taken" in page
    response = client.post("/language", data={"lang": "en", "next": "/inbox", "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    english = client.get("/inbox").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "My tasks" in english and "Mijn taken" not in english
    assert "Sign out" in english
