"""Temporary inactivity (R14): a confidant reports a period to the PAPSY, is off the published list during it and
back at its end, and may name a stand-in for it: an active confidant of the same entity, who gets the tasks the
process would give the confidant and reads the dossiers the confidant shares with them (app/lifecycle/
inactivity_dossiers.py). The confidant can call off a period that has not begun, or end a running one early.

The rules and transactions are here; the process and what its timers do, in ``inactivity_process``.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.dossiers.services import today
from app.engine.errors import InvalidData, NotAllowed, NotFound
from app.lifecycle import inactivity_dossiers, inactivity_process
from app.mail.outbox import current_settings, locale_of, queue_mail
from app.mail.render import format_due, one_line
from app.models import Confidant, ConfidantStatus, InactivityPeriod, Task, TaskState, User

MAX_DAYS = 366  # one period at a time, at most a year: a longer absence is reported again
MAX_AHEAD_DAYS = 366
STAND_IN_NAMED = "stand_in_named"  # the mail to the stand-in (app/mail/templates)


class PeriodState(enum.StrEnum):
    PLANNED = "planned"
    CURRENT = "current"
    ENDED = "ended"
    CANCELLED = "cancelled"


def state_of(period: InactivityPeriod, on: date) -> PeriodState:
    if period.cancelled_at is not None:
        return PeriodState.CANCELLED
    if period.ended_on is not None:
        return PeriodState.ENDED
    return PeriodState.PLANNED if period.starts_on > on else PeriodState.CURRENT


@dataclass(frozen=True)
class Report:
    """A period as the confidant typed it, before the rules looked at it."""

    starts_on: date
    ends_on: date
    stand_in_id: int | None


def parse_report(form) -> tuple[Report | None, dict[str, str], dict[str, str]]:
    """The report form: (the report, or None when a field cannot be read; the values typed; a message per field)."""
    values = {name: (form.get(name) or "").strip()[:20] for name in ("starts_on", "ends_on", "stand_in")}
    errors: dict[str, str] = {}
    days = {}
    for name, missing in (("starts_on", _l("Geef de eerste dag van de periode.")),
                          ("ends_on", _l("Geef de laatste dag van de periode."))):
        try:
            days[name] = date.fromisoformat(values[name])
        except ValueError:
            errors[name] = str(missing)
    stand_in = values["stand_in"]
    if stand_in and not _is_row_id(stand_in):
        errors["stand_in"] = str(_l("Kies een vervanger uit de lijst, of geen."))
    if errors:
        return None, values, errors
    return Report(days["starts_on"], days["ends_on"], int(stand_in) if stand_in else None), values, {}


def _is_row_id(text: str) -> bool:
    """A number the id columns can hold (1 .. 2**31-1): a larger one would overflow the database's integer."""
    return text.isascii() and text.isdigit() and 0 < int(text) < 2**31


def own_roster_entry(session: Session, user: User, lock: bool = False) -> Confidant:
    """The user's own entry on the roster while they are a confidant (active or temporarily inactive)."""
    if not policy.can_report_inactivity(user):
        raise NotAllowed(_l("Alleen een vertrouwenspersoon meldt een periode van inactiviteit."))
    query = select(Confidant).where(Confidant.user_id == user.id, Confidant.status != ConfidantStatus.FORMER)
    confidant = session.scalar(query.with_for_update(of=Confidant) if lock else query)
    if confidant is None:
        raise NotAllowed(_l("U staat niet (meer) op de lijst van vertrouwenspersonen."))
    return confidant


def report(session: Session, user: User, reported: Report) -> InactivityPeriod:
    """A new period of the user's, reported to the PAPSY of their entity (a task) and to the stand-in (a mail)."""
    confidant = own_roster_entry(session, user, lock=True)  # two reports at once: the second sees the first
    _check_dates(session, confidant, reported)
    stand_in = _check_stand_in(session, confidant, reported) if reported.stand_in_id is not None else None
    period = InactivityPeriod(confidant=confidant, starts_on=reported.starts_on, ends_on=reported.ends_on,
                              stand_in=stand_in, reported_at=now())
    session.add(period)
    session.flush()
    inactivity_process.start(session, period, user)
    if stand_in is not None:
        _tell_stand_in(session, period, stand_in)
    return period


def cancel(session: Session, user: User, period_id: int) -> InactivityPeriod:
    """A period that has not begun is called off: no change on the list, and its stand-in shares end."""
    period = _own_period(session, user, period_id)
    if state_of(period, today()) != PeriodState.PLANNED:
        raise InvalidData({"": str(_l("Alleen een periode die nog niet begonnen is, kan afgezegd worden; een lopende "
                                      "periode beëindigt u."))})
    period.cancelled_at = now()
    inactivity_process.end_shares(session, period, user.id)
    inactivity_process.finish_process_now(session, period)
    return period


def end_early(session: Session, user: User, period_id: int) -> InactivityPeriod:
    """A running period ends today: back on the list at once, the stand-in's shares and tasks end."""
    period = _own_period(session, user, period_id)
    if state_of(period, today()) != PeriodState.CURRENT:
        raise InvalidData({"": str(_l("Alleen een lopende periode kan vroeger beëindigd worden."))})
    inactivity_process.finish_period(session, period, user.id)
    inactivity_process.finish_process_now(session, period)
    return period


def periods_of(session: Session, confidant: Confidant) -> list[InactivityPeriod]:
    """The confidant's periods, the latest first."""
    return list(session.scalars(select(InactivityPeriod).where(InactivityPeriod.confidant_id == confidant.id)
                                .order_by(InactivityPeriod.starts_on.desc(), InactivityPeriod.id.desc())))


def standing_in_for(session: Session, confidant: Confidant) -> list[InactivityPeriod]:
    """The planned and running periods in which ``confidant`` is the stand-in, the soonest first."""
    return list(session.scalars(select(InactivityPeriod).where(
        InactivityPeriod.stand_in_id == confidant.id, InactivityPeriod.cancelled_at.is_(None),
        InactivityPeriod.ended_on.is_(None), InactivityPeriod.ends_on >= today())
        .order_by(InactivityPeriod.starts_on, InactivityPeriod.id)))


def stand_in_choices(session: Session, confidant: Confidant) -> list[Confidant]:
    """Who may stand in: the other active confidants of the entity who have an account."""
    return list(session.scalars(select(Confidant).where(
        Confidant.entity_id == confidant.entity_id, Confidant.id != confidant.id,
        Confidant.status == ConfidantStatus.ACTIVE, Confidant.user_id.is_not(None)).order_by(Confidant.name)))


def periods_for_list(session: Session, user: User, limit: int = 200) -> list[InactivityPeriod]:
    """The periods a PAPSY (their entities) or an admin (every entity) sees: the running and planned ones and those
    of the last year, the soonest first."""
    if not policy.can_view_inactivity(user):
        raise NotAllowed(_l("Deze lijst is voor de PAPSY en de beheerders."))
    query = select(InactivityPeriod).join(Confidant, Confidant.id == InactivityPeriod.confidant_id).where(
        or_(InactivityPeriod.ended_on.is_(None), InactivityPeriod.ended_on >= today() - timedelta(days=365)))
    scope = policy.inactivity_entity_ids(user)
    if scope is not None:
        query = query.where(Confidant.entity_id.in_(scope))
    return list(session.scalars(query.order_by(InactivityPeriod.starts_on.desc(), InactivityPeriod.id.desc())
                                .limit(limit)))


@dataclass(frozen=True)
class Availability:
    """What "Mijn beschikbaarheid" shows a confidant (``confidant`` None: no longer on the roster)."""

    confidant: Confidant | None
    periods: list[InactivityPeriod]
    stand_in_choices: list[tuple[str, str]]
    standing_in: list[InactivityPeriod]
    shared: list[inactivity_dossiers.StandInRow]
    acknowledgers: dict[int, str]


def availability_of(session: Session, user: User) -> Availability:
    if not policy.can_report_inactivity(user):
        raise NotAllowed(_l("Deze pagina is voor vertrouwenspersonen."))
    confidant = session.scalar(select(Confidant).where(Confidant.user_id == user.id,
                                                       Confidant.status != ConfidantStatus.FORMER))
    shared = inactivity_dossiers.shared_with(session, user)
    if confidant is None:
        return Availability(None, [], [], [], shared, {})
    periods = periods_of(session, confidant)
    choices = [(str(other.id), other.name) for other in stand_in_choices(session, confidant)]
    return Availability(confidant, periods, choices, standing_in_for(session, confidant), shared,
                        acknowledgers(session, periods))


@dataclass(frozen=True)
class Overview:
    """The PAPSY's and admins' list: the periods, who acknowledged them, and the acknowledgements the user may do
    (instance id -> task id)."""

    periods: list[InactivityPeriod]
    acknowledgers: dict[int, str]
    tasks: dict[int, int]


def overview_for(session: Session, user: User) -> Overview:
    periods = periods_for_list(session, user)
    return Overview(periods, acknowledgers(session, periods), _acknowledgement_tasks(session, user, periods))


def acknowledgers(session: Session, periods: list[InactivityPeriod]) -> dict[int, str]:
    """User id -> name of each PAPSY who acknowledged one of ``periods``."""
    ids = {period.acknowledged_by_id for period in periods if period.acknowledged_by_id is not None}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}


def _acknowledgement_tasks(session: Session, user: User, periods: list[InactivityPeriod]) -> dict[int, int]:
    ids = [period.instance_id for period in periods if period.instance_id and period.acknowledged_at is None]
    if not ids:
        return {}
    rules = policy.task_rules(user)
    return {task.instance_id: task.id for task in session.scalars(select(Task).where(
        Task.instance_id.in_(ids), Task.state == TaskState.READY)) if rules.can_complete(task)}


def _own_period(session: Session, user: User, period_id: int) -> InactivityPeriod:
    period = session.scalar(select(InactivityPeriod).where(InactivityPeriod.id == period_id)
                            .with_for_update(of=InactivityPeriod))
    if period is None or not policy.can_change_period(user, period):
        raise NotFound(_l("Deze periode bestaat niet."))
    return period


def _check_dates(session: Session, confidant: Confidant, reported: Report) -> None:
    first, last, on = reported.starts_on, reported.ends_on, today()
    if first < on:
        raise InvalidData({"starts_on": str(_l("Een periode kan niet in het verleden beginnen; vandaag kan wel."))})
    if first > on + timedelta(days=MAX_AHEAD_DAYS):
        raise InvalidData({"starts_on": str(_l("Meld een periode die binnen het jaar begint."))})
    if last < first:
        raise InvalidData({"ends_on": str(_l("De laatste dag kan niet voor de eerste dag liggen."))})
    if (last - first).days >= MAX_DAYS:
        raise InvalidData({"ends_on": str(_l("Een periode duurt hoogstens een jaar; meld nadien een nieuwe."))})
    if _overlapping(session, confidant.id, first, last):
        raise InvalidData({"starts_on": str(_l("U hebt al een periode van inactiviteit die deze dagen overlapt."))})


def _check_stand_in(session: Session, confidant: Confidant, reported: Report) -> Confidant:
    stand_in = session.get(Confidant, reported.stand_in_id)
    if stand_in is None or stand_in.id == confidant.id or stand_in.entity_id != confidant.entity_id \
            or stand_in.status != ConfidantStatus.ACTIVE or stand_in.user_id is None:
        raise InvalidData({"stand_in": str(_l("Kies als vervanger een actieve vertrouwenspersoon van uw entiteit."))})
    if _overlapping(session, stand_in.id, reported.starts_on, reported.ends_on):
        raise InvalidData({"stand_in": str(_l("%(name)s is in die periode zelf inactief: kies iemand anders.",
                                              name=stand_in.name))})
    return stand_in


def _overlapping(session: Session, confidant_id: int, first: date, last: date) -> bool:
    """A period of the confidant (not called off) shares a day with first..last (an ended one up to its end)."""
    return session.scalar(select(InactivityPeriod.id).where(
        InactivityPeriod.confidant_id == confidant_id, InactivityPeriod.cancelled_at.is_(None),
        InactivityPeriod.starts_on <= last,
        or_(InactivityPeriod.ended_on >= first,
            (InactivityPeriod.ended_on.is_(None)) & (InactivityPeriod.ends_on >= first))).limit(1)) is not None


def _tell_stand_in(session: Session, period: InactivityPeriod, stand_in: Confidant) -> None:
    account = stand_in.user
    if account is None or not account.active:
        return
    locale = locale_of(account)
    zone = current_settings().display_timezone
    queue_mail(session, account.email, STAND_IN_NAMED, STAND_IN_NAMED, {
        "confidant": one_line(period.confidant.name), "starts": format_due(period.starts_on, zone, locale),
        "ends": format_due(period.ends_on, zone, locale), "path": "/availability"}, locale=locale)
