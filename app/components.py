"""The page components a list repeats on every row, written in Python (the macros of _components.html call them).

A page of fifty inbox rows spent more server time in Jinja's macro calls and escaping of these few elements than in
everything else it does (bench/pages_profile.py); here each is one formatted string, and every text that is not our
own markup goes through ``escape``.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from app.ui import Deadline


def badge(text: str, tone: str = "neutral") -> Markup:
    return Markup(f'<span class="badge badge--{escape(tone)}">{escape(text)}</span>')


def due_badge(due: Deadline | None, none_text: str) -> Markup:
    """A deadline (prepared by app/ui.py deadline()): the date, with "3 dagen te laat" / "nog 2 dagen" when it is late
    or near; ``none_text`` when there is none."""
    if due is None:
        return Markup(f'<span class="muted">{escape(none_text)}</span>')
    html = f'<time datetime="{escape(due.iso)}">{escape(due.text)}</time>'
    if due.badge:
        html += f' <span class="badge badge--{due.state.kind}">{escape(due.badge)}</span>'
    return Markup(html)


def row_button(action: str, label: str, tone: str = "primary", described_by: str | None = None) -> Markup:
    """A button of a list's one form (see the post_list macro): it posts to ``action``."""
    described = f' aria-describedby="{escape(described_by)}"' if described_by else ""
    return Markup(f'<button type="submit" formaction="{escape(action)}" class="button button--{escape(tone)}"'
                  f'{described}>{escape(label)}</button>')
