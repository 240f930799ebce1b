"""The request's translations are found once per request (app/i18n.py: flask-babel 4 found them anew on every call,
some 25 µs per message in a template), yet a language switched or forced halfway through a request still counts."""
from __future__ import annotations

from datetime import date

import flask_babel
from flask import render_template_string, session
from flask_babel import force_locale, gettext, lazy_gettext, ngettext, refresh

from app import i18n, ui

SOME_MESSAGES = ("{{ _('Mijn taken') }}|{{ _('Processen') }}|{{ ngettext('nog %(num)d dag', 'nog %(num)d dagen', 3) }}|"
                 "{{ _('Taak \\'%(title)s\\' afgewerkt.', title='<b>') }}")


def test_translations_are_looked_up_once_per_request(app, monkeypatch):
    lookups = []
    uncached = flask_babel.Domain.get_translations
    monkeypatch.setattr(flask_babel.Domain, "get_translations", lambda self: lookups.append(1) or uncached(self))
    with app.test_request_context("/", query_string={"lang": "en"}):
        page = render_template_string(SOME_MESSAGES)
        in_python = [gettext("Mijn taken"), str(lazy_gettext("Processen")), ngettext("nog %(num)d dag",
                                                                                    "nog %(num)d dagen", 1)]
    assert page == "My tasks|Processes|3 days left|Task '&lt;b&gt;' completed."
    assert in_python == ["My tasks", "Processes", "1 day left"]
    assert len(lookups) == 1


def test_a_language_forced_halfway_through_a_request_is_honoured_and_undone(app):
    """As a mail in its recipient's language would be made during a Dutch request."""
    with app.test_request_context("/", query_string={"lang": "nl"}):
        assert render_template_string("{{ _('Mijn taken') }}") == "Mijn taken"
        with force_locale("en"):
            assert render_template_string("{{ _('Mijn taken') }}") == gettext("Mijn taken") == "My tasks"
            assert ui.format_date(date(2026, 3, 9)) == "9 Mar 2026"
        assert render_template_string("{{ _('Mijn taken') }}") == gettext("Mijn taken") == "Mijn taken"
        assert ui.format_date(date(2026, 3, 9)) == "9 mrt. 2026"


def test_a_language_switched_during_the_request_counts_after_refresh(app):
    with app.test_request_context("/"):
        assert gettext("Mijn taken") == "Mijn taken" and i18n.display().locale == "nl"
        session["lang"] = "en"
        refresh()  # what flask-babel asks after a change of language
        assert gettext("Mijn taken") == "My tasks" and i18n.display().locale == "en"
        assert ui.format_date(date(2026, 3, 9)) == "9 Mar 2026"


def test_template_messages_are_formatted_as_jinja_newstyle_gettext_formats_them(app):
    with app.test_request_context("/", query_string={"lang": "nl"}):
        assert render_template_string(SOME_MESSAGES) == \
            "Mijn taken|Processen|nog 3 dagen|Taak '&lt;b&gt;' afgewerkt."
        assert render_template_string("{{ _('100%% zeker') }}") == "100% zeker"  # always a format string
        assert render_template_string("{{ ngettext('%(num)d van %(total)d', '%(num)d van %(total)d', 2, total=5) }}") \
            == "2 van 5"
    assert i18n.translations().ugettext("Mijn taken") == "Mijn taken"  # outside a request: the Dutch source
