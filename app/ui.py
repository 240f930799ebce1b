"""The rules behind the page vocabulary (app/templates/_components.html): when something is late or due soon,
dates in one style per language, and the words for each state. Templates ask here instead of deciding themselves.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from flask_babel import lazy_gettext as _l

from app import i18n
from app.clock import now
from app.models import ConfidantStatus, InstanceStatus, MailStatus, Role, TaskState, TimerState

DUE_SOON = timedelta(days=14)  # a deadline this close is flagged in lists


def ngettext(singular: str, plural: str, num: int) -> str:
    """flask-babel's ngettext through the request's translations found once (app/i18n.py): a list asks it per row."""
    return i18n.translations().ungettext(singular, plural, num) % {"num": num}

# Dutch abbreviates months with a full stop (Taalunie), except "mei"; CLDR's Dutch data drops it.
_MONTHS = {
    "nl": ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_DATETIME_SEPARATOR = {"nl": " ", "en": ", "}


@dataclass(frozen=True)
class Due:
    """How a deadline stands today: ``kind`` is late, soon, later or none; ``days`` counts calendar days (in the
    display time zone) from today to the deadline, negative when late."""

    kind: str
    days: int = 0

    @property
    def late(self) -> bool:
        return self.kind == "late"

    @property
    def soon(self) -> bool:
        return self.kind == "soon"

    @property
    def label(self) -> str:
        """A short relative phrase: "nog 2 dagen", "3 dagen te laat", "vandaag"."""
        if self.kind == "late":
            if self.days == 0:
                return str(_l("te laat"))
            return ngettext("%(num)d dag te laat", "%(num)d dagen te laat", -self.days)
        if self.days == 0:
            return str(_l("vandaag"))
        return ngettext("nog %(num)d dag", "nog %(num)d dagen", self.days)


def due_state(due_at: datetime | None, at: datetime | None = None, shown: i18n.Display | None = None) -> Due:
    """``at``: now; ``shown``: the request's i18n.display()."""
    if due_at is None:
        return Due("none")
    at = at or now()
    zone = (shown or i18n.display()).zone
    return _due(due_at, at, due_at.astimezone(zone).date(), at.astimezone(zone).date())


def _due(due_at: datetime, at: datetime, due_day: date, today: date) -> Due:
    days = (due_day - today).days
    if due_at < at:
        return Due("late", min(days, 0))
    return Due("soon" if due_at < at + DUE_SOON else "later", max(days, 0))


@dataclass(frozen=True)
class Deadline:
    """A deadline as a page shows it: the moment for ``<time datetime>``, in words, and how it stands today."""

    iso: str
    text: str
    state: Due
    badge: str | None  # the words of its badge when late or soon: "3 dagen te laat", "nog 2 dagen"


def deadline(due_at: datetime | Deadline | None) -> Deadline | None:
    """The due badge's view of a deadline (a list prepares its rows' deadlines with ``Deadlines``, and the badge
    takes them as they are)."""
    if isinstance(due_at, Deadline):
        return due_at
    return Deadlines()(due_at)


class Deadlines:
    """``deadline`` for the rows of one list: the moment, today and the words of each badge found once."""

    def __init__(self, at: datetime | None = None, shown: i18n.Display | None = None) -> None:
        self.at, self.shown = at or now(), shown or i18n.display()
        self.today = self.at.astimezone(self.shown.zone).date()
        self._badges: dict[Due, str] = {}

    def __call__(self, due_at: datetime | None) -> Deadline | None:
        if due_at is None:
            return None
        local = due_at.astimezone(self.shown.zone)
        state = _due(due_at, self.at, local.date(), self.today)
        return Deadline(due_at.isoformat(), written_datetime(local, self.shown.locale), state, self._badge(state))

    def _badge(self, state: Due) -> str | None:
        if not (state.late or state.soon):
            return None
        if state not in self._badges:
            self._badges[state] = state.label
        return self._badges[state]


def format_datetime(value: datetime | None, shown: i18n.Display | None = None) -> str:
    """"2 dec. 2026 14:05" in Dutch, "2 Dec 2026, 14:05" in English; 24 h, in the display time zone."""
    if value is None:
        return ""
    shown = shown or i18n.display()
    return written_datetime(value.astimezone(shown.zone), shown.locale)


def written_datetime(local: datetime, locale: str) -> str:
    """``local`` (already in the display time zone) in the style of ``locale`` (pages and mails alike)."""
    if locale not in _MONTHS:
        return babel_format_datetime(local, "medium", locale=locale)
    return f"{_day_month_year(local, locale)}{_DATETIME_SEPARATOR[locale]}{local:%H:%M}"


def format_date(value: date | datetime | str | None) -> str:
    """"2 dec. 2026" in Dutch, "2 Dec 2026" in English."""
    if value in (None, ""):
        return ""
    shown = i18n.display()
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    elif isinstance(value, datetime):
        value = value.astimezone(shown.zone).date()
    return written_date(value, shown.locale)


def written_date(value: date, locale: str) -> str:
    """``value`` in the style of ``locale`` (pages and mails alike)."""
    if locale not in _MONTHS:
        return babel_format_date(value, "medium", locale=locale)
    return _day_month_year(value, locale)


def _day_month_year(value: date, locale: str) -> str:
    return f"{value.day} {_MONTHS[locale][value.month - 1]} {value.year}"


# The words for each state, per kind of thing (the enums share values such as "cancelled", with other words).
STATUS_LABELS: dict[str, dict[str, object]] = {
    "instance": {InstanceStatus.RUNNING: _l("lopend"), InstanceStatus.COMPLETED: _l("afgerond"),
                 InstanceStatus.INCIDENT: _l("incident"), InstanceStatus.CANCELLED: _l("stopgezet"),
                 InstanceStatus.SUSPENDED: _l("opgeschort")},
    "task": {TaskState.READY: _l("open"), TaskState.COMPLETED: _l("afgewerkt"), TaskState.CANCELLED: _l("vervallen")},
    # "firing" and "retrying" are pending timers seen from the outside (app/admin/timer_board.py): due, so a worker
    # fires it now; backing off after a failed attempt.
    "timer": {TimerState.PENDING: _l("wacht"), TimerState.FIRED: _l("afgegaan"), TimerState.CANCELLED: _l("vervallen"),
              TimerState.FAILED: _l("mislukt"), TimerState.HELD: _l("aangehouden"), "firing": _l("wordt nu afgevuurd"),
              "retrying": _l("wacht op een nieuwe poging")},
    "mail": {MailStatus.HELD: _l("vastgehouden"), MailStatus.QUEUED: _l("wacht op verzending"),
             MailStatus.SENT: _l("verzonden"), MailStatus.FAILED: _l("mislukt")},
    "confidant": {ConfidantStatus.ACTIVE: _l("actief"), ConfidantStatus.INACTIVE: _l("tijdelijk inactief"),
                  ConfidantStatus.FORMER: _l("voormalig")},
}
# How a badge looks: badge--danger, badge--ok; every other state is neutral.
STATUS_TONES: dict[str, dict[str, str]] = {
    "instance": {InstanceStatus.INCIDENT: "danger", InstanceStatus.COMPLETED: "ok", InstanceStatus.SUSPENDED: "soon"},
    "task": {TaskState.COMPLETED: "ok"},
    "timer": {TimerState.FAILED: "danger", TimerState.FIRED: "ok", "firing": "soon", "retrying": "soon"},
    "mail": {MailStatus.FAILED: "danger", MailStatus.SENT: "ok"},
    "confidant": {ConfidantStatus.ACTIVE: "ok"},
}

ROLE_LABELS = {Role.CONFIDANT: _l("Vertrouwenspersoon"), Role.PAPSY: _l("PAPSY"),
               Role.EOC_SECRETARY: _l("EOC-secretaris"), Role.ADMIN: _l("Beheerder"), "system": _l("Systeem")}


def status_label(kind: str, state: str) -> str:
    """The word for ``state`` (an enum value) of a ``kind`` of thing: instance, task, timer, mail, confidant."""
    return str(STATUS_LABELS[kind].get(str(state), state))


def status_tone(kind: str, state: str) -> str:
    return STATUS_TONES[kind].get(str(state), "neutral")


# What each kind of notification mail is about (a kind is the name of its template in app/mail/templates).
MAIL_KIND_LABELS = {
    "task_assigned": _l("nieuwe taak"), "reminder": _l("herinnering"),
    "certificate_rejected": _l("attest niet goedgekeurd"), "setup_link": _l("link om het wachtwoord te kiezen"),
    "account_reset": _l("account opnieuw ingesteld"), "delicate_reminder": _l("herinnering delicate zaak"),
    "delicate_offered": _l("delicate zaak voor elke PAPSY"),
    "session_invitation": _l("uitnodiging voor een sessie"), "session_cancelled": _l("sessie geannuleerd"),
    "place_freed": _l("plaats vrijgekomen"), "intervision_reminder": _l("herinnering intervisie"),
    "retention_notice": _l("vernietiging van dossiers aangekondigd"),
    "library_digest": _l("nieuwe documenten"),
    "stand_in_named": _l("aangeduid als vervanger"),
}


def mail_kind_label(kind: str) -> str:
    """The words for a kind of mail; an unknown kind (a newer template) says only that it is a notification."""
    label = MAIL_KIND_LABELS.get(kind)
    return str(label) if label is not None else str(_l("melding"))


# What a failed timer ran into (app/engine/timers.py FailureKind), for the admin's timer board.
FAILURE_LABELS = {"step": _l("een stap van het proces liep fout"), "database": _l("de databank gaf een fout"),
                  "connection": _l("een verbinding viel weg"), "unexpected": _l("een onverwachte fout in het programma")}


def failure_label(kind: str | None) -> str:
    """The words for a timer's last failure; a value stored before the kinds existed reads as unexpected."""
    if not kind:
        return ""
    return str(FAILURE_LABELS.get(kind, FAILURE_LABELS["unexpected"]))


def local_today() -> date:
    """Today in the display time zone (a training deadline is a date, not a moment)."""
    return now().astimezone(i18n.display().zone).date()


def role_options() -> list[tuple[str, str]]:
    """Every role as (value, words), for a select."""
    return [(role.value, role_label(role)) for role in Role]


def role_label(role: str) -> str:
    try:
        key: object = Role(str(role))
    except ValueError:
        key = str(role)
    label = ROLE_LABELS.get(key)  # type: ignore[call-overload]
    return str(label) if label is not None else str(role)

# The conversation room's mails (app/room/notices.py).
MAIL_KIND_LABELS.update({
    "room_requested": _l("aanvraag gesprekslokaal"), "room_approved": _l("gesprekslokaal gereserveerd"),
    "room_declined": _l("gesprekslokaal geweigerd"), "room_cancelled": _l("reservering gesprekslokaal geannuleerd"),
    "room_freed": _l("gesprekslokaal weer vrij"),
})

# Laying down the role (R19): its mails (app/lifecycle/resignation_mail.py).
MAIL_KIND_LABELS.update({
    "role_ending_notice": _l("einde van de rol van een vertrouwenspersoon"),
    "role_ending_removal": _l("ontheffing uit de rol"), "role_ending_withdrawn": _l("einde van de rol ingetrokken"),
    "dossier_handed_over": _l("dossier overgedragen"),
})
