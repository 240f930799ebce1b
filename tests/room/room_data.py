"""Requests for the conversation room, as the tests and the accessibility pages arrange them: asked through the
service, on working days ahead of the real clock (the web's tests and the browser run on it)."""
from __future__ import annotations

from datetime import date, timedelta

from app.models import RoomBooking
from app.room import bookings, slots
from app.workdays import is_working_day
from tests.helpers import OMG_PAPSY, user

KOEN = "koen.maes@omgeving.vlaanderen.example"


def working_day(days_ahead: int = 14) -> date:
    """The first working day at least ``days_ahead`` days after today (in Brussels)."""
    day = slots.today() + timedelta(days=days_ahead)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def form(day: date, start: str = "10:00", end: str = "11:00", purpose: str = "requester_conversation") -> dict:
    return {"day": day.isoformat(), "start": start, "end": end, "purpose": purpose}


def ask(session, email: str, day: date, start: str = "10:00", end: str = "11:00",
        purpose: str = "requester_conversation") -> RoomBooking:
    return bookings.ask(session, user(session, email), form(day, start, end, purpose))


def approved(session, email: str, day: date, start: str = "10:00", end: str = "11:00",
             papsy: str = OMG_PAPSY) -> RoomBooking:
    booking = ask(session, email, day, start, end)
    return bookings.approve(session, user(session, papsy), booking.id)
