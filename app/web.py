"""Web plumbing shared by every area: error pages, template helpers, security headers, URL converters."""
from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import DBAPIError
from werkzeug.routing import IntegerConverter

from app import components, model_texts, ui
from app.auth import policy, second_factor
from app.clock import now
from app.db import db
from app.db_outage import database_unreachable
from app.engine import runner
from app.engine.errors import Conflict, EngineError, ModelInvalid, NotAllowed, NotFound, TaskNotReady
from app.extensions import LOCALES, login_manager

log = logging.getLogger(__name__)

ERROR_TITLES = {
    400: _l("Ongeldige vraag"), 403: _l("Geen toegang"), 404: _l("Niet gevonden"), 405: _l("Niet toegelaten"),
    409: _l("Conflict"), 423: _l("Dossier vergrendeld"), 413: _l("Bestand te groot"), 422: _l("Ongeldige gegevens"), 429: _l("Te veel pogingen"),
    500: _l("Er ging iets mis"),
}


# Werkzeug's own descriptions are English and technical: a refused or missing page says this instead.
ERROR_MESSAGES = {
    400: _l("Deze vraag kon niet verwerkt worden. Ga terug en probeer het opnieuw."),
    403: _l("U hebt geen toegang tot deze pagina. Meent u dat u ze wel zou moeten zien, vraag het dan aan de "
            "beheerder."),
    404: _l("Deze pagina bestaat niet (meer). Controleer het adres, of ga terug naar uw taken."),
    405: _l("Deze pagina kan zo niet gebruikt worden. Ga terug en probeer het opnieuw."),
    413: _l("Het bestand is te groot."),
    429: _l("Te veel pogingen na elkaar. Wacht even en probeer het dan opnieuw."),
}


class IdConverter(IntegerConverter):
    """``<id:name>``: a positive id that fits the database's integer columns (larger ones are simply 404)."""

    def __init__(self, url_map) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


class VertrouwdFlask(Flask):
    def log_exception(self, exc_info) -> None:
        """Log what failed where, never the exception's text: it can quote submitted or confidential values."""
        exc_type = exc_info[0].__name__ if exc_info and exc_info[0] else "unknown"
        self.logger.error("unhandled %s on %s %s", exc_type, request.method, request.path)


def register_converters(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(locales=LOCALES, now=now, components=components, get_locale=get_locale, policy=policy,
                                 due_state=ui.due_state, status_label=ui.status_label, status_tone=ui.status_tone,
                                 mail_kind_label=ui.mail_kind_label, failure_label=ui.failure_label, url_with=url_with, csrf_token=csrf_token,
                                 needs_second_factor=second_factor.required_for)
    app.jinja_env.filters["date"] = ui.format_date
    app.jinja_env.filters["datetime"] = ui.format_datetime
    app.jinja_env.filters["role_label"] = ui.role_label
    app.jinja_env.filters["due_state"] = ui.due_state
    app.jinja_env.filters["deadline"] = ui.deadline
    model_texts.register_filters(app)  # model_text, task_title, process_name: model texts in the reader's language
    app.jinja_env.filters["reject_key"] = lambda mapping, key: {k: v for k, v in mapping.items() if k != key}
    app.jinja_env.filters["options"] = options
    app.jinja_env.filters["timer_name"] = timer_name
    app.after_request(_security_headers)
    for status in ERROR_TITLES:
        app.register_error_handler(status, _http_error)
    app.register_error_handler(EngineError, _engine_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(503, lambda error: database_unavailable())
    # Runs before every before_request hook (CSRF's would refuse a form whose session could not be read).
    app.url_value_preprocessor(_stop_when_the_session_was_out_of_reach)


def csrf_token() -> str:
    """Flask-WTF's CSRF token, made once per request by ``generate_csrf`` and then read from ``g`` without its
    look-ups of the configuration: a list with a button per row asks for it fifty times."""
    return g.get("csrf_token") or generate_csrf()


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def local_path(target: str | None, default: str) -> str:
    """``target`` if it is a path of this site ("/inbox?due=late"), else ``default``: a redirect never leaves the
    site (not "//host", not "/\\host", which browsers read as "//host", nor a scheme or control characters)."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ord(character) < 32 or ord(character) == 127 for character in target)
            and not urlsplit(target).netloc and not urlsplit(target).scheme):
        return target
    return default


def refused_back(error: EngineError, back: str):
    """A refused action said in a message on the page it came from (``back``); nothing of it is kept. An action one
    may not take is a 403, one on something that does not exist (for this user) a 404."""
    db.session.rollback()
    if isinstance(error, NotAllowed):
        abort(403)
    if isinstance(error, NotFound):
        abort(404)
    errors = getattr(error, "errors", None)
    flash(str(next(iter(errors.values()))) if errors else str(error.message), "error")
    return redirect(back)


def _http_error(error):
    if database_unreachable(getattr(error, "original_exception", None)):  # the session could not be opened or saved
        return database_unavailable()
    db.session.rollback()  # a failed flush leaves the session unusable, and the error page reads the user
    status = getattr(error, "code", 500) or 500
    title = str(ERROR_TITLES.get(status, _l("Fout")))
    headers = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
    if _wants_json():
        return jsonify({"error": title}), status, headers
    return render_template("error.html", status=status, title=title, message=_error_message(error, status)), \
        status, headers


def _error_message(error, status: int) -> str | None:
    """Our own words, unless the code that refused gave its own (a 500 never shows one)."""
    description = getattr(error, "description", None)
    if status == 500:
        return None
    if description and description != getattr(type(error), "description", None):
        return str(description)
    return str(ERROR_MESSAGES[status]) if status in ERROR_MESSAGES else None


def _database_error(error: DBAPIError):
    if not database_unreachable(error):
        raise error  # a failing statement stays a 500
    return database_unavailable()


RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE = _l("De databank is even niet bereikbaar; er werd niets bewaard. Probeer het over een halve "
                          "minuut opnieuw.")


def database_unavailable():
    """503 "try again" while the database is out of reach (a restart): a page in Dutch and English that needs no
    user, session or database, or the API's JSON; the browser keeps its session cookie for when it is back."""
    try:
        db.session.rollback()
    except DBAPIError:
        pass
    db.session.remove()
    g._login_user = login_manager.anonymous_user()  # Flask-Login's user of this request: no loading from the database
    session.database_unreachable = True  # the server-side session is not saved: the cookie stays as it was
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if _wants_json():
        return jsonify({"error": str(DATABASE_UNAVAILABLE)}), 503, headers
    again = request.full_path.rstrip("?") if request.method == "GET" else url_for("workflow.home")
    return render_template("unavailable.html", again=again), 503, headers


def _stop_when_the_session_was_out_of_reach(endpoint: str | None, values: dict | None) -> None:
    if getattr(session, "database_unreachable", False):
        abort(503)


def _engine_error(error: EngineError):
    db.session.rollback()  # nothing of the refused operation is kept
    if _wants_json():
        body = {"error": str(error.message)}
        if hasattr(error, "errors"):
            body["errors"] = {field: str(message) for field, message in error.errors.items()}
        if isinstance(error, ModelInvalid):  # each problem names the diagram element it is about
            body["errors"] = [{"element": getattr(problem, "element", None), "message": str(problem)}
                              for problem in error.problems]
        return jsonify(body), error.status
    if isinstance(error, (TaskNotReady, Conflict)):
        flash(str(error.message), "error")
        return redirect(url_for("workflow.inbox"), 303)
    return render_template("error.html", status=error.status, title=str(ERROR_TITLES.get(error.status, _l("Fout"))),
                           message=str(error.message)), error.status


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    )
    if current_app.config.get("SESSION_COOKIE_SECURE"):  # served over HTTPS only: browsers must never try HTTP
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if current_user and getattr(current_user, "is_authenticated", False):
        response.headers["Cache-Control"] = "no-store"
    return response


def timer_name(timer) -> str:
    """``timer|timer_name``: what the diagram calls a timer ("2 werkdagen verstreken"), in the reader's language;
    never its id."""
    version = timer.instance.model_version
    return model_texts.model_text(runner.step_names(version, timer.spec_name).name, version) or str(_l("termijn"))


def options(items, value: str, label: str) -> list[tuple[object, object]]:
    """``entities|options('code', 'name')``: the (value, label) pairs that select_field takes."""
    return [(getattr(item, value), getattr(item, label)) for item in items]


def url_pattern(endpoint: str, key: str, **values) -> Callable[[int], str]:
    """``url_for(endpoint, key=n, **values)`` for the many ``n`` of a list's rows, at the cost of one url_for."""
    marker = "2147483647"  # the largest id; the built URL holds it exactly once, where the id goes
    head, tail = url_for(endpoint, **{key: int(marker)}, **values).split(marker)
    return lambda number: f"{head}{int(number)}{tail}"


def url_with(**changes) -> str:
    """This page's URL with some query parameters changed (None removes one): sorting and paging keep the filters."""
    args = {key: values for key, values in request.args.lists()}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    return url_for(request.endpoint, **(request.view_args or {}), **args)
