"""JSON API v1 of the intervision groups (R12.1): the groups, the sessions a caller may see, and recording a
session's attendance. The routes join the API blueprint; errors use its envelope ({"error", "errors"})."""
from __future__ import annotations

from flask import g, jsonify, request
from sqlalchemy import select

from app.api.openapi import OPENAPI, _ID, _json, _responses
from app.api.routes import _json_body, bp
from app.auth import policy
from app.db import session
from app.engine.errors import InvalidData, NotAllowed, NotFound
from app.intervision import attendance, groups
from app.models import EventKind, EventParticipant, NetworkEvent
from app.models.intervision import GROUP_SIZE, INTERVISION_KINDS


@bp.get("/intervision/groups")
def intervision_groups():
    if not policy.can_manage_groups(g.api_user):
        raise NotAllowed("Enkel een PAPSY van de GDPB ziet de intervisiegroepen.")
    return jsonify({"groups": [_group(group) for group in groups.active_groups(session())], "max_members": GROUP_SIZE})


@bp.get("/intervision/sessions")
def intervision_sessions():
    year = request.args.get("year", "")
    if not (year.isascii() and year.isdigit() and len(year) == 4 and 2000 <= int(year) <= 2100):
        return jsonify({"error": "Geef het jaar (year=JJJJ).", "errors": {"year": "Geef het jaar (year=JJJJ)."}}), 400
    return jsonify({"year": int(year), "sessions": [_session(event) for event in visible_sessions(int(year))]})


@bp.post("/intervision/sessions/<id:event_id>/attendance")
def intervision_attendance(event_id: int):
    event = session().get(NetworkEvent, event_id)
    if event is None or not policy.may_see_event(session(), g.api_user, event):  # hidden looks like unknown
        raise NotFound("Deze sessie bestaat niet.")
    if not policy.can_record_attendance(g.api_user, event):
        raise NotAllowed("Enkel wie de sessie begeleidt, registreert de aanwezigheid.")
    marks = _json_body().get("attendance")
    if not isinstance(marks, dict) or not all(isinstance(value, str) for value in marks.values()):
        raise InvalidData({"attendance": "attendance moet een object zijn: e-mailadres -> present, absent of "
                                         "excused."})
    rows = attendance.record_by_email(session(), g.api_user, event, marks)
    return jsonify({"session": event.id, "attendance": [_attendance(row) for row in rows]})


def visible_sessions(year: int) -> list[NetworkEvent]:
    """PAPSY: every intervision session of ``year``; a confidant: their group's and the open ones; others none."""
    query = (select(NetworkEvent).where(NetworkEvent.year == year, NetworkEvent.kind.in_(INTERVISION_KINDS))
             .order_by(NetworkEvent.starts_at, NetworkEvent.id))
    if policy.can_manage_groups(g.api_user):
        return list(session().scalars(query))
    confidant = policy.own_confidant(session(), g.api_user)
    if confidant is None:
        return []
    own = select(EventParticipant.event_id).where(EventParticipant.confidant_id == confidant.id)
    return list(session().scalars(query.where((NetworkEvent.kind != EventKind.GROUP_SESSION)
                                              | NetworkEvent.id.in_(own))))


def _group(group) -> dict:
    return {"id": group.id, "name": group.name,
            "leader": {"name": group.leader.name, "email": group.leader.email},
            "members": [{"name": m.confidant.name, "email": m.confidant.email, "entity": m.confidant.entity.code,
                         "since": m.joined_on.isoformat()} for m in groups.current_members(session(), group)]}


def _session(event: NetworkEvent) -> dict:
    return {"id": event.id, "kind": event.kind, "group": event.group.name if event.group else None,
            "title": event.title, "starts_at": event.starts_at.isoformat(), "ends_at": event.ends_at.isoformat(),
            "place": event.place, "online_url": event.online_url, "half_days": event.half_days,
            "cancelled": event.cancelled_at is not None}


def _attendance(row: EventParticipant) -> dict:
    return {"email": row.confidant.email, "name": row.confidant.name, "attendance": row.attendance,
            "recorded_at": row.attendance_recorded_at.isoformat() if row.attendance_recorded_at else None}


_PERSON = {"type": "object", "properties": {"name": {"type": "string"}, "email": {"type": "string"}}}
_GROUP = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "leader": _PERSON,
    "members": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "email": {"type": "string"}, "entity": {"type": "string"},
        "since": {"type": "string", "format": "date"}}}}}}
_SESSION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"enum": [kind.value for kind in INTERVISION_KINDS]},
    "group": {"type": ["string", "null"]}, "title": {"type": ["string", "null"]},
    "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
    "place": {"type": ["string", "null"]}, "online_url": {"type": ["string", "null"]},
    "half_days": {"type": "integer"}, "cancelled": {"type": "boolean"}}}
_MARK = {"enum": ["present", "absent", "excused"]}

OPENAPI["paths"].update({
    "/intervision/groups": {"get": {
        "summary": "The fixed intervision groups with their PAPSY and current members (PAPSY only)",
        "responses": _responses((200, "The groups", {"type": "object", "properties": {
            "groups": {"type": "array", "items": _GROUP}, "max_members": {"type": "integer"}}}), 403)}},
    "/intervision/sessions": {"get": {
        "summary": "The intervision sessions of a year the caller may see: a PAPSY all, a confidant their group's "
                   "and the open ones, others none",
        "parameters": [{"name": "year", "in": "query", "required": True, "schema": {"type": "integer"}}],
        "responses": {**_responses((200, "The sessions", {"type": "object", "properties": {
            "year": {"type": "integer"}, "sessions": {"type": "array", "items": _SESSION}}})),
                      "400": {"description": "No year, or not a year", **_json("FieldErrors")}}}},
    "/intervision/sessions/{id}/attendance": {"parameters": [_ID], "post": {
        "summary": "Record who attended a session that has started (the group's PAPSY, or an open session's "
                   "organiser); recording again changes the marks. One unknown address or bad value: nothing saved",
        "requestBody": {"required": True, **_json({"type": "object", "required": ["attendance"], "properties": {
            "attendance": {"type": "object", "additionalProperties": _MARK,
                           "description": "Participant e-mail address -> present, absent or excused"}}})},
        "responses": _responses((200, "The session's participants with their attendance", {
            "type": "object", "properties": {"session": {"type": "integer"}, "attendance": {
                "type": "array", "items": {"type": "object", "properties": {
                    "email": {"type": "string"}, "name": {"type": "string"},
                    "attendance": {"oneOf": [{"type": "null"}, _MARK]},
                    "recorded_at": {"type": ["string", "null"], "format": "date-time"}}}}}}), 403, 404, 422)}},
})
