"""The published list of active confidants (R14), without a login: the public page and the feeds that the
intranet polls. Outside the API's blueprint on purpose: its bearer-token check never sees these routes.

The page sets no cookie (no form, no session write): its language is the visitor's earlier choice, or ``?lang=``.
The feeds answer with a strong ETag and Last-Modified, ``Cache-Control: public, no-cache`` (keep it, but ask each
time: an unchanged list is a 304 without a body) and, for the intranet's pages in any browser, CORS for any origin
(the list is public and these routes read no credentials)."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import force_locale
from flask_login import current_user

from app.auth import policy
from app.db import session
from app.engine.errors import InvalidData
from app.extensions import LOCALES
from app.roster import published
from app.roster.services import entity_choices

bp = Blueprint("published", __name__)
FEEDS = ("published.feed_json", "published.feed_csv")


@bp.before_request
def published_to_everyone():
    if not policy.can_view_published_list(current_user):
        abort(403)


@bp.after_request
def feeds_for_any_origin(response: Response) -> Response:
    """A browser's preflight (an intranet page sending If-None-Match itself) may ask the feeds from any origin."""
    if request.method == "OPTIONS" and request.endpoint in FEEDS:
        response.headers.update({"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD",
                                 "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
                                 "Access-Control-Max-Age": "86400"})
    return response


@bp.get("/vertrouwenspersonen")
def page():
    lang = request.args.get("lang")
    if lang not in LOCALES:
        return _page()
    with force_locale(lang):  # the link of the language switch: it wins over an earlier choice
        return _page(lang)


def _page(lang: str | None = None):
    entity_code = request.args.get("entity") or None
    try:
        listing, refusal = published.published_list(session(), entity_code), None
    except InvalidData as exc:
        listing, refusal = None, exc
    html = render_template("roster/public.html", listing=listing, errors=refusal.errors if refusal else {},
                           entity_code=entity_code, entities=entity_choices(session()), lang=lang,
                           changed_at=listing.changed_at if listing else published.last_change(session()))
    return html, refusal.status if refusal else 200


@bp.get("/api/v1/public/confidants")
def feed_json():
    listing = published.published_list(session(), request.args.get("entity") or None)
    return _feed(published.json_body(listing), "application/json", listing)


@bp.get("/api/v1/public/confidants.csv")
def feed_csv():
    listing = published.published_list(session(), request.args.get("entity") or None)
    response = _feed(published.csv_body(listing), "text/csv; charset=utf-8", listing)
    code = re.sub(r"[^A-Za-z0-9_-]", "", listing.entity.code) if listing.entity else ""
    name = f"vertrouwenspersonen-{code}" if code else "vertrouwenspersonen"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _feed(body: bytes, mimetype: str, listing: published.PublishedList) -> Response:
    """``body`` with its validators; 304 without a body when the caller has it already (If-None-Match, or else
    If-Modified-Since, as HTTP orders them)."""
    response = Response(body, content_type=mimetype)
    response.set_etag(published.fingerprint(body))
    if listing.changed_at is not None:
        response.last_modified = listing.changed_at
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response.make_conditional(request)
