"""Translation catalogs and the request's language: the UI is written in Dutch; app/translations holds English.

flask-babel 4 finds the translations anew on every gettext call (the domain, its own context on ``g`` three times,
the locale, the locale's name: some 8 µs), and Jinja's newstyle wrappers add as much again; a list page makes
over a hundred such calls. Here they are looked up once per request and kept in flask-babel's own per-request
namespace, in the slot its ``refresh()`` and ``force_locale()`` already reset (``babel_translations``), so a
language switched halfway through a request, or forced for a mail, is still honoured.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_app_context
from flask_babel import Babel, Domain, get_babel, get_locale
from jinja2 import pass_eval_context
from markupsafe import Markup

TRANSLATIONS = Path(__file__).parent / "translations"
DEFAULT_LOCALE, DEFAULT_ZONE = "nl", "Europe/Brussels"


def compile_catalogs() -> None:
    """Compile each messages.po whose .mo is missing or older (no separate build step needed)."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        try:
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
        except OSError:  # a read-only install compiled its catalogs at build time
            continue


def init_app(app: Flask, babel: Babel) -> None:
    """After ``babel.init_app``: every gettext (Python, lazy strings, templates) reads the request's cached
    translations."""
    babel.domain_instance = RequestCachedDomain(domain=get_babel(app).default_domain)
    app.jinja_env.globals.update(_=_jinja_gettext, gettext=_jinja_gettext, ngettext=_jinja_ngettext,
                                 pgettext=_jinja_pgettext, npgettext=_jinja_npgettext)


class RequestCachedDomain(Domain):
    """flask-babel's domain, resolving the translations once per request instead of on every call."""

    def get_translations(self) -> Translations | NullTranslations:
        state = _babel_state()
        cached = getattr(state, "babel_translations", None)
        if cached is None:
            cached = super().get_translations()
            if state is not None:
                state.babel_translations = cached
        return cached


def translations() -> Translations | NullTranslations:
    """The translations of this request's language (outside an app context none: the Dutch source stays)."""
    state = _babel_state()
    if state is None:
        return NullTranslations()
    cached = getattr(state, "babel_translations", None)
    return cached if cached is not None else get_babel().instance.domain_instance.get_translations()


@dataclass(frozen=True)
class Display:
    """How this request shows things: its language code ("nl", "en") and the display time zone."""

    locale: str
    zone: ZoneInfo


def display() -> Display:
    """The request's language and time zone, found once per request (and again after a language switch)."""
    state = _babel_state()
    if state is None:
        return Display(DEFAULT_LOCALE, _zone(DEFAULT_ZONE))
    locale = getattr(state, "babel_locale", None) or get_locale()
    cached = getattr(state, "vertrouwd_display", None)
    if cached is None or cached[0] is not locale:
        zone = _zone(current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_ZONE))
        cached = state.vertrouwd_display = (locale, Display(str(locale or DEFAULT_LOCALE), zone))
    return cached[1]


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _babel_state() -> SimpleNamespace | None:
    """flask-babel 4's per-request namespace on ``g`` (made on first use), or None outside an app context."""
    if not has_app_context():
        return None
    state = g.get("_flask_babel")
    if state is None:
        get_locale()  # makes the namespace and settles the locale
        state = g.get("_flask_babel")
    return state


# Jinja's newstyle gettext as jinja2.ext installs it (Markup under autoescape, %-formatted, ``num`` for plurals),
# without its two extra context calls per message, and without formatting a text that has nothing to format.
@pass_eval_context
def _jinja_gettext(eval_ctx, string: str, **variables) -> str:
    return _formatted(eval_ctx, translations().ugettext(string), variables)


@pass_eval_context
def _jinja_ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _formatted(eval_ctx, translations().ungettext(singular, plural, num), variables)


@pass_eval_context
def _jinja_pgettext(eval_ctx, context: str, string: str, **variables) -> str:
    return _formatted(eval_ctx, translations().upgettext(context, string), variables)


@pass_eval_context
def _jinja_npgettext(eval_ctx, context: str, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _formatted(eval_ctx, translations().unpgettext(context, singular, plural, num), variables)


def _formatted(eval_ctx, text: str, variables: dict) -> str:
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables if variables or "%" in text else text
