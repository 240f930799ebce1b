"""The body of the inbox's table, written here rather than in its template: fifty rows a page, and Jinja's escaping
and macro calls for them cost the server more than the rest of the page together (bench/pages_profile.py). The
markup is that of the page components (app/components.py); every text comes escaped.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from app import components


@dataclass(frozen=True)
class Words:
    """The table's fixed words in the reader's language, escaped once for all rows."""

    process: Markup
    entity: Markup
    since: Markup
    due: Markup
    no_deadline: str
    mine: str
    nobody: Markup
    claim: str
    release: str
    hand_over: Markup

    @classmethod
    def translated(cls) -> Words:
        return cls(process=escape(_("Proces")), entity=escape(_("Entiteit")), since=escape(_("Sinds")),
                   due=escape(_("Uiterlijk")), no_deadline=_("geen termijn"), mine=_("Opgenomen door u"),
                   nobody=escape(_("Nog niet opgenomen")), claim=_("Ik neem dit op"), release=_("Vrijgeven"),
                   hand_over=escape(_("Overdragen")))


def body(rows, words: Words) -> Markup:
    """The ``<tr>`` of each row (views.InboxRow)."""
    return Markup("\n".join(_row(row, words) for row in rows))


def _row(row, words: Words) -> str:
    title_id = f"task-{int(row.id)}"
    title = (f'<a id="{title_id}" href="{escape(row.url)}">{escape(row.title)}</a>' if row.url
             else f'<span id="{title_id}">{escape(row.title)}</span>')
    subject = f'<span class="subject">{escape(row.subject)}</span>' if row.subject else ""
    late = ' class="is-late"' if row.late else ""
    return (f'<tr{late}>'
            f'<td>{title}{subject}</td>'
            f'<td data-label="{words.process}">{escape(row.process)}</td>'
            f'<td data-label="{words.entity}">{escape(row.entity)}</td>'
            f'<td data-label="{words.since}"><time datetime="{escape(row.since_iso)}">{escape(row.since_text)}</time></td>'
            f'<td data-label="{words.due}">{components.due_badge(row.due, words.no_deadline)}</td>'
            f'<td>{_holder(row, words)}{_actions(row, words, title_id)}</td></tr>')


def _holder(row, words: Words) -> str:
    if row.holder == "me":
        return components.badge(words.mine, "mine")
    if row.holder == "colleague":
        return f"<span>{escape(_('Opgenomen door %(name)s', name=row.holder_name))}</span>"
    return f'<span class="muted">{words.nobody}</span>'


def _actions(row, words: Words, title_id: str) -> str:
    if not row.hand_over_url:
        return ""
    claim = components.row_button(row.claim_url, words.claim, "secondary", title_id) if row.claim_url else ""
    release = components.row_button(row.release_url, words.release, "link", title_id) if row.release_url else ""
    return (f'<div class="row-actions">{claim}{release}'
            f'<a href="{escape(row.hand_over_url)}" aria-describedby="{title_id}">{words.hand_over}</a></div>')
