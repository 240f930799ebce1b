"""JSON API v1 of the reports (R7); the routes join the API blueprint.

``GET /api/v1/reports/requests?year=Y[&quarter=Q][&entity=CODE]``: the dossiers opened in the period and their counts
per dimension, for the network (a PAPSY) or an entity in the caller's scope. Every count is already suppressed: a
hidden one is ``{"value": null, "suppressed": true}``, never a number. Year required (400 without or unreadable; 404
without data or not published yet: a year appears on 1 February after it, frozen); an entity outside the caller's
scope is 403."""
from __future__ import annotations

from flask import current_app, g, jsonify, request

from app.api.openapi import OPENAPI
from app.api.routes import bp
from app.db import session
from app.reports import selection, views
from app.reports.services import OTHER
from app.reports.suppression import Cell, min_cell
from app.ui import local_today


@bp.get("/reports/requests")
def report_requests():
    today = local_today()
    chosen = selection.choose(session(), g.api_user, request.args, today, min_cell(current_app.config),
                              require_year=True)
    report = views.build(session(), chosen, today, {})
    return jsonify({
        "year": chosen.year, "quarter": chosen.quarter, "entity": chosen.entity.code if chosen.entity else None,
        "min_cell": report.k, "own_report": chosen.own_column, "dossiers": _cell(report.dossiers),
        "dimensions": {section.key: {"total": _cell(section.total),
                                     "cells": {row.key: _cell(row.cell) for row in section.rows}}
                       for section in report.sections},
        "entities": [{"entity": "other" if row.key == OTHER else row.key, "dossiers": _cell(row.cell)}
                     for row in report.per_entity.rows] if report.per_entity else None,
        "years": [{"year": int(row.key), "dossiers": _cell(row.cell)} for row in report.trend.rows],
    })


def _cell(cell: Cell) -> dict:
    return {"value": cell.value, "suppressed": cell.suppressed}


_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_CELL = {"type": "object", "required": ["value", "suppressed"], "properties": {
    "value": {"type": ["integer", "null"], "description": "null when suppressed"},
    "suppressed": {"type": "boolean", "description": "Hidden: below min_cell, or it would let one compute such a count"}}}
_DIMENSION = {"type": "object", "properties": {"total": _CELL,
                                               "cells": {"type": "object", "additionalProperties": _CELL}}}

OPENAPI["paths"].update({
    "/reports/requests": {"get": {
        "summary": "Anonymous report of a year or quarter: dossiers opened and their counts per theme, person "
                   "involved, intervention, outcome, referral, repeated incident and delicate case, each suppressed "
                   "below min_cell (PAPSY: the network and their entities; EOC secretary: their own entity)",
        "parameters": [{"name": "year", "in": "query", "required": True, "schema": {"type": "integer"}},
                       {"name": "quarter", "in": "query", "required": False,
                        "schema": {"type": "integer", "enum": [1, 2, 3, 4]}, "description": "A quarter of the year"},
                       {"name": "entity", "in": "query", "required": False, "schema": {"type": "string"},
                        "description": "The entity's code; without it the network (PAPSY only)"}],
        "responses": {
            "200": {"description": "The suppressed counts", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "year": {"type": "integer"}, "quarter": {"type": ["integer", "null"]},
                    "entity": {"type": ["string", "null"]}, "min_cell": {"type": "integer"},
                    "own_report": {"type": "boolean",
                                   "description": "false: the entity had fewer than min_cell dossiers this year"},
                    "dossiers": _CELL, "dimensions": {"type": "object", "additionalProperties": _DIMENSION},
                    "entities": {"type": ["array", "null"], "items": {"type": "object", "properties": {
                        "entity": {"type": "string", "description": "A code, or \"other\" for the small ones"},
                        "dossiers": _CELL}}},
                    "years": {"type": "array", "items": {"type": "object", "properties": {
                        "year": {"type": "integer"}, "dossiers": _CELL}}}}}}}},
            "400": {**_ERROR, "description": "Year missing or not readable, quarter not 1-4, entity code unreadable"},
            "401": {**_ERROR, "description": "No valid token"},
            "403": {**_ERROR, "description": "No reports for the caller, or the entity is not in their scope"},
            "404": {**_ERROR, "description": "No data for that year, or its report is not published yet (a year appears on 1 February of the next year)"},
            "503": {**_ERROR, "description": "The database is out of reach for a moment; try again"}}}},
})
