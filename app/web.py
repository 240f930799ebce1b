"""Web plumbing shared by every area: error pages, template helpers, security headers."""
from __future__ import annotations

import logging
from datetime import date, datetime

from flask import Flask, jsonify, render_template, request
from flask_babel import format_date, format_datetime, get_locale, gettext as _
from flask_login import current_user

from app.clock import now
from app.engine.errors import EngineError
from app.extensions import LOCALES

log = logging.getLogger(__name__)

ERROR_TITLES = {
    400: "Ongeldige vraag", 403: "Geen toegang", 404: "Niet gevonden", 405: "Niet toegelaten",
    409: "Conflict", 413: "Bestand te groot", 422: "Ongeldige gegevens", 429: "Te veel pogingen",
    500: "Er ging iets mis",
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(locales=LOCALES, now=now, get_locale=get_locale)
    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.filters["role_label"] = role_label
    app.after_request(_security_headers)
    for status in ERROR_TITLES:
        app.register_error_handler(status, _http_error)
    app.register_error_handler(EngineError, _engine_error)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _http_error(error):
    status = getattr(error, "code", 500) or 500
    if status == 500:
        log.error("unhandled error on %s %s: %s", request.method, request.path, type(error).__name__)
    if _wants_json():
        return jsonify({"error": _(ERROR_TITLES.get(status, "Fout"))}), status
    return render_template("error.html", status=status, title=_(ERROR_TITLES.get(status, "Fout")),
                           message=getattr(error, "description", None) if status not in (500,) else None), status


def _engine_error(error: EngineError):
    if _wants_json():
        body = {"error": error.message}
        if hasattr(error, "errors"):
            body["errors"] = error.errors
        return jsonify(body), error.status
    return render_template("error.html", status=error.status, title=_(ERROR_TITLES.get(error.status, "Fout")),
                           message=error.message), error.status


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    )
    if current_user and getattr(current_user, "is_authenticated", False):
        response.headers["Cache-Control"] = "no-store"
    return response


def _format_date(value: date | datetime | str | None) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, "medium")


def _format_datetime(value: datetime | None) -> str:
    return format_datetime(value, "short") if value else ""


def role_label(role: str) -> str:
    labels = {"confidant": _("Vertrouwenspersoon"), "papsy": _("PAPSY"), "eoc_secretary": _("EOC-secretaris"),
              "admin": _("Beheerder"), "system": _("Systeem")}
    return labels.get(str(role), str(role))
