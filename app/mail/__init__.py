"""Notification mails (new task, reminder, certificate rejected), always through the outbox.

THE RULE: a mail never contains dossier content. The context given to a template holds only
names of processes, steps and entities, dates, ids (for links), and short administrative reasons
such as why a training certificate was refused. Never task data wholesale, never narrative text,
never the names of the people a dossier is about. Callers build the context field by field; the
templates use StrictUndefined, so they can show nothing they were not given.

Without SMTP_HOST every mail is HELD in the outbox, which admins read at /admin/outbox; with it,
the row is QUEUED and a worker sends it after the commit (handed over through ``app.dispatch``).
"""
from app.mail.notify import notify_new_tasks
from app.mail.outbox import queue_mail

__all__ = ["notify_new_tasks", "queue_mail"]
