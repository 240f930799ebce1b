"""The body of the instance list's table, written here rather than in its template, as the inbox's
(app/workflow/inbox_table.py): fifty rows a page cost Jinja's macro calls and escaping more than the rest of the
page. The markup is that of the page components (instance cell, status badge); every text comes escaped.
"""
from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

from app import components, i18n, model_texts
from app.models import InstanceStatus
from app.ui import format_datetime, status_label, status_tone
from app.web import url_pattern


def body(rows, status_only: set[int]) -> Markup:
    """The ``<tr>`` of each row (instance_list.InstanceRow); of those in ``status_only`` only the process and status,
    marked confidential."""
    shown = i18n.display()
    link = url_pattern("workflow.instance", "instance_id")
    confidential = escape(_("vertrouwelijk"))
    entity, state, started = (escape(word) for word in (_("Entiteit"), _("Status"), _("Gestart")))  # a phone's labels
    statuses = {status: components.badge(status_label("instance", status), status_tone("instance", status))
                for status in InstanceStatus}
    names = {row.model_version.id: escape(model_texts.process_name(row.model_version, shown.locale)) for row in rows}
    lines = []
    for row in rows:
        process = f'<a href="{link(row.id)}">{names[row.model_version.id]}</a>'
        status = statuses[row.status]
        if row.id in status_only:
            lines.append(f'<tr><td>{process}<span class="subject">{confidential}</span></td><td></td>'
                         f'<td data-label="{state}">{status}</td><td></td></tr>')
            continue
        subject = f'<span class="subject">{escape(row.subject)}</span>' if row.subject else ""
        lines.append(f'<tr><td>{process}{subject}</td><td data-label="{entity}">{escape(row.entity_name)}</td>'
                     f'<td data-label="{state}">{status}</td><td data-label="{started}">'
                     f'<time datetime="{row.started_at.isoformat()}">{escape(format_datetime(row.started_at, shown))}'
                     f'</time></td></tr>')
    return Markup("\n".join(lines))
