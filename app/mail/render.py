"""Rendering the plain-text mail templates in ``app/mail/templates`` (subject on the first line).

``NAME.txt`` is Dutch; ``NAME.LOCALE.txt`` (``task_assigned.en.txt``) is the same mail in another language, with the
same fields. A mail is rendered in its recipient's language.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, meta

from app import ui

TEMPLATE_DIR = Path(__file__).parent / "templates"
# The templates a mail can be made from (their Dutch file NAME.txt); files starting with "_" are only included.
TEMPLATES = frozenset(path.stem for path in TEMPLATE_DIR.glob("*.txt")
                      if not path.name.startswith("_") and "." not in path.stem)
SUBJECT_PREFIX = "Subject: "

# Plain text, not HTML: no autoescaping. StrictUndefined: a field the caller did not give is an error,
# so a template can only ever show what its caller chose to pass.
_env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=False, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_SPACES = re.compile(r"\s+")
_LANGUAGE = re.compile(r"[a-z]{2}")


def render(template: str, context: dict, locale: str | None = None) -> tuple[str, str]:
    """(subject, body) of ``template`` in ``locale`` (Dutch when it has no file for that language) rendered with
    ``context``; the first line must be ``Subject: ...``."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown mail template {template!r}")
    text = _env.get_template(template_file(template, locale)).render(context)
    first, _, body = text.partition("\n")
    if not first.startswith(SUBJECT_PREFIX):
        raise ValueError(f"mail template {template!r} does not start with {SUBJECT_PREFIX!r}")
    return one_line(first.removeprefix(SUBJECT_PREFIX), 300), body


def template_file(template: str, locale: str | None = None) -> str:
    """The file of ``template`` in ``locale``: ``NAME.LOCALE.txt`` when there is one, else the Dutch ``NAME.txt``."""
    translated = f"{template}.{locale}.txt"
    known = locale and _LANGUAGE.fullmatch(locale) and (TEMPLATE_DIR / translated).is_file()
    return translated if known else f"{template}.txt"


def template_fields(template: str, locale: str | None = None) -> frozenset[str]:
    """The names ``template`` (with what it includes) reads from its context."""
    return _fields(_env, template_file(template, locale))


def one_line(value: object, limit: int = 200) -> str:
    """``value`` as a single line of at most ``limit`` characters (no line breaks in a subject or a field)."""
    text = _SPACES.sub(" ", str(value)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_due(value: object, timezone: str, locale: str | None = None) -> str | None:
    """A due date or time in the recipient's language, as the pages write it: "31 dec. 2026", "31 dec. 2026 17:00"
    in Dutch (the default), "31 Dec 2026, 17:00" in English; a time in ``timezone``.

    Accepts a date, an aware datetime or their ISO text; anything else is refused, so that a "date"
    field can never carry free text into a mail.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = _parse_iso(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a due time must carry its time zone")
        return ui.written_datetime(value.astimezone(ZoneInfo(timezone)), _language(locale))
    if isinstance(value, date):
        return ui.written_date(value, _language(locale))
    raise ValueError("a due date must be a date or a time")


def _language(locale: str | None) -> str:
    return locale if locale and _LANGUAGE.fullmatch(locale) else "nl"


def _parse_iso(text: str) -> date | datetime:
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("a due date must be an ISO date or time") from None


def translation_problems(locale: str, directory: Path = TEMPLATE_DIR) -> list[str]:
    """What keeps the mails in ``directory`` from being complete in ``locale``: a template without its
    ``NAME.LOCALE.txt``, one that reads other fields than the Dutch one, or that includes a Dutch part."""
    env = Environment(loader=FileSystemLoader(directory))
    problems = []
    for path in sorted(directory.glob("*.txt")):
        if path.name.startswith("_") or "." in path.stem:
            continue
        translated = directory / f"{path.stem}.{locale}.txt"
        if not translated.is_file():
            problems.append(f"{path.name}: no {translated.name}")
            continue
        dutch, other = _fields(env, path.name), _fields(env, translated.name)
        if dutch != other:
            problems.append(f"{translated.name}: reads {sorted(other)}, {path.name} reads {sorted(dutch)}")
        if not translated.read_text().startswith(SUBJECT_PREFIX):
            problems.append(f"{translated.name}: the first line must be {SUBJECT_PREFIX!r}")
        problems += [f"{translated.name}: includes {name}, not {name.removesuffix('.txt')}.{locale}.txt"
                     for name in _included(env, translated.name) if not name.endswith(f".{locale}.txt")]
    return problems


def _fields(env: Environment, name: str) -> frozenset[str]:
    names: set[str] = set()
    for part in [name, *_included(env, name)]:
        names |= meta.find_undeclared_variables(env.parse(env.loader.get_source(env, part)[0]))
    return frozenset(names)


def _included(env: Environment, name: str) -> list[str]:
    """The templates ``name`` includes, transitively."""
    found, pending = [], [name]
    while pending:
        parsed = env.parse(env.loader.get_source(env, pending.pop())[0])
        for ref in meta.find_referenced_templates(parsed):
            if ref and ref not in found:
                found.append(ref)
                pending.append(ref)
    return found
