"""JSON API v1 of the intervision area (compliance); the routes join the API blueprint.

``GET /api/v1/intervision/compliance?year=Y&entity=CODE``: per confidant ``half_days_attended``,
``required_half_days`` and ``compliant`` (a contract), their basic training, where they attended and their
training days; the entity's summary. Year and entity are required (400 without); an entity outside the caller's
scope is 403."""
from __future__ import annotations

from decimal import Decimal

from flask import g, jsonify, request

from app.api.openapi import OPENAPI
from app.api.routes import bp
from app.db import session
from app.intervision import compliance
from app.ui import local_today


@bp.get("/intervision/compliance")
def intervision_compliance():
    year = compliance.parse_year(request.args.get("year"))
    scope = compliance.entities_in_scope(session(), g.api_user)
    entity = compliance.choose_entity(g.api_user, scope, request.args.get("entity"), required=True)
    report = compliance.entity_compliance(session(), entity, year, local_today())
    return jsonify({"items": [_item(row) for row in report.rows], "summary": _summary(report.summary),
                    "year": report.year, "entity": entity.code})


def _days(value: Decimal) -> float:
    return float(value)


def _item(row: compliance.ConfidantCompliance) -> dict:
    return {
        "email": row.email, "name": row.name, "entity": row.entity_code,
        "half_days_attended": row.half_days, "required_half_days": row.required_half_days,
        "compliant": row.compliant,
        "basic_training": {"status": row.training,
                           "date": row.training_on.isoformat() if row.training_on else None},
        "sessions": [{"source": str(attended.source), "starts_at": attended.on.isoformat(),
                      "half_days": attended.half_days, "counted": attended.counted,
                      "certificate_status": attended.certificate} for attended in row.sessions],
        "training_days": _days(row.training_days),
        "recommended_training_days": _days(row.recommended_training_days),
        "recommendation_met": row.recommendation_met,
        "year_result": None if row.closed_short is None else {"half_days_attended": row.closed_half_days,
                                                              "short": row.closed_short},
    }


def _summary(summary: compliance.Summary) -> dict:
    return {"confidants": summary.confidants, "compliant": summary.compliant, "training_certified": summary.certified,
            "training_overdue": summary.overdue, "recommendation_met": summary.recommendation_met,
            "average_training_days": _days(summary.average_training_days)}


_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_ITEM = {"type": "object", "required": ["email", "name", "entity", "half_days_attended", "required_half_days",
                                        "compliant"], "properties": {
    "email": {"type": "string"}, "name": {"type": "string"}, "entity": {"type": "string"},
    "half_days_attended": {"type": "integer"}, "required_half_days": {"type": "integer", "const": 2},
    "compliant": {"type": "boolean", "description": "At least the required half days of intervision attended (R12)"},
    "basic_training": {"type": "object", "properties": {
        "status": {"type": "string", "enum": ["certified", "due", "overdue", "role_ended", "unknown"]},
        "date": {"type": ["string", "null"], "format": "date"}}},
    "sessions": {"type": "array", "items": {"type": "object", "properties": {
        "source": {"type": "string", "enum": ["own_group", "open_gdpb", "idewe"]},
        "starts_at": {"type": "string", "format": "date-time"}, "half_days": {"type": "integer"},
        "counted": {"type": "boolean"},
        "certificate_status": {"type": ["string", "null"], "enum": ["pending", "approved", "rejected", "awaited", None]}}}},
    "training_days": {"type": "number"}, "recommended_training_days": {"type": "number"},
    "recommendation_met": {"type": "boolean", "description": "Recommended (R13), never required"},
    "year_result": {"type": ["object", "null"], "properties": {
        "half_days_attended": {"type": "integer"}, "short": {"type": "boolean"}}}}}

OPENAPI["paths"].update({
    "/intervision/compliance": {"get": {
        "summary": "Intervision and training per confidant of an entity in a year, with the entity's summary "
                   "(PAPSY of the entity, its EOC secretary)",
        "parameters": [{"name": "year", "in": "query", "required": True, "schema": {"type": "integer"}},
                       {"name": "entity", "in": "query", "required": True, "schema": {"type": "string"},
                        "description": "The entity's code"}],
        "responses": {
            "200": {"description": "The confidants and the summary", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "items": {"type": "array", "items": _ITEM}, "year": {"type": "integer"},
                    "entity": {"type": "string"},
                    "summary": {"type": "object", "properties": {
                        "confidants": {"type": "integer"}, "compliant": {"type": "integer"},
                        "training_certified": {"type": "integer"}, "training_overdue": {"type": "integer"},
                        "recommendation_met": {"type": "integer"}, "average_training_days": {"type": "number"}}}}}}}},
            "400": {**_ERROR, "description": "Year or entity missing or not readable"},
            "401": {**_ERROR, "description": "No valid token"},
            "403": {**_ERROR, "description": "The entity is not in the caller's scope"},
            "503": {**_ERROR, "description": "The database is out of reach for a moment; try again"}}}},
})
