"""The library's pages (R16): the folders and a search, a folder, a document with its versions, the downloads; for
PAPSY and admins also making and renaming folders, publishing, new versions, changing and archiving documents."""
from __future__ import annotations

from io import BytesIO

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from babel.numbers import get_decimal_symbol
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import i18n
from app.auth import policy
from app.db import session
from app.engine.errors import EngineError, InvalidData, NotAllowed
from app.forms.uploads import FileRejected
from app.library import content, listing, services
from app.library.forms import ALL, document_values, parse_document, parse_folder, parse_query
from app.models import LibraryDocument, LibraryVersion
from app.web import url_pattern

bp = Blueprint("library", __name__, url_prefix="/library")
UPLOADS = ("library.publish", "library.add_version")


@dataclass(frozen=True)
class DocumentLinks:
    document: Callable[[int], str]
    folder: Callable[[int], str]
    download: Callable[[int], str]


@bp.url_value_preprocessor
def allow_library_files(endpoint: str | None, values: dict | None) -> None:
    """A document may be larger than the site's other uploads: its own limit for the two forms that take one, for
    those who may use them (this runs before the CSRF check reads the body)."""
    if endpoint in UPLOADS and request.method == "POST" and current_user.is_authenticated \
            and policy.can_manage_library(current_user):
        request.max_content_length = content.MAX_REQUEST_BYTES


@bp.before_request
@login_required
def only_readers():
    if not policy.can_read_library(session(), current_user):
        abort(403)


@bp.errorhandler(413)
def too_large(error):
    """A file far over the limit is refused before its form is read: the same form again, saying why."""
    session().rollback()
    errors = {"file": content.too_large_message()}
    try:
        if not (current_user.is_authenticated and policy.can_manage_library(current_user)):
            raise NotAllowed(errors["file"])
        if request.endpoint == "library.add_version":
            document = services.find_document(session(), current_user, request.view_args["document_id"])
            return _document_page(document, errors), 413
    except EngineError:  # no form to show again: the reason alone
        return render_template("error.html", status=413, title=_("Bestand te groot"), message=errors["file"]), 413
    return _publish_page({"folder": request.args.get("folder", ""), "audience": ALL}, errors), 413


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    """"340 kB", "2,4 MB" (in English "2.4 MB")."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{round(size / 1024 / 1024, 1):g} MB".replace(".", _decimal_sign(i18n.display().locale))


@lru_cache(maxsize=8)
def _decimal_sign(locale: str) -> str:
    return get_decimal_symbol(locale)


@bp.app_template_global()
def library_links() -> DocumentLinks:
    """The links of a list's rows, each built once per page (url_for for every row costs a long list dearly)."""
    return DocumentLinks(url_pattern("library.document", "document_id"), url_pattern("library.folder", "folder_id"),
                         url_pattern("library.download", "document_id"))


@bp.app_template_filter("document_type")
def document_type(mimetype: str) -> str:
    return content.TYPE_NAMES.get(mimetype, _("bestand"))


# ---- Reading ----

@bp.get("/")
def index():
    query, errors = parse_query(request.args)
    if errors:
        return _index_page({}, errors), 422
    if query:
        return render_template("library/search.html", result=listing.search(session(), current_user, query))
    return _index_page({}, {})


@bp.get("/folders/<id:folder_id>")
def folder(folder_id: int):
    return _folder_page(services.find_folder(session(), current_user, folder_id), None, {})


@bp.get("/documents/<id:document_id>")
def document(document_id: int):
    return _document_page(services.find_document(session(), current_user, document_id), {})


@bp.get("/documents/<id:document_id>/download")
def download(document_id: int):
    """The newest version: a link that stays right when a new version comes."""
    return _file_response(services.version_to_download(session(), current_user, document_id))


@bp.get("/documents/<id:document_id>/versions/<id:number>/download")
def download_version(document_id: int, number: int):
    return _file_response(services.version_to_download(session(), current_user, document_id, number))


# ---- Managing (PAPSY, admins) ----

@bp.post("/folders")
def create_folder():
    _managers_only()
    details, values, errors = parse_folder(request.form)
    if details is not None:
        try:
            made = services.create_folder(session(), current_user, details)
        except InvalidData as exc:
            errors = exc.errors
        else:
            flash(_("De map %(name)s is gemaakt.", name=made.name), "success")
            return redirect(url_for("library.folder", folder_id=made.id))
    session().rollback()
    return _index_page(values, errors), 422


@bp.post("/folders/<id:folder_id>")
def change_folder(folder_id: int):
    _managers_only()
    found = services.find_folder(session(), current_user, folder_id)
    details, values, errors = parse_folder(request.form)
    if details is not None:
        try:
            services.change_folder(session(), current_user, found, details)
        except InvalidData as exc:
            errors = exc.errors
        else:
            flash(_("De map is bewaard."), "success")
            return redirect(url_for("library.folder", folder_id=folder_id))
    session().rollback()
    return _folder_page(services.find_folder(session(), current_user, folder_id), values, errors), 422


@bp.route("/documents/new", methods=["GET", "POST"])
def publish():
    _managers_only()
    if request.method == "GET":
        return _publish_page({"folder": request.args.get("folder", ""), "audience": ALL}, {})
    details, values, errors = parse_document(request.form)
    checked = _checked_file(errors)
    if details is not None and checked is not None:
        try:
            made = services.publish(session(), current_user, details, checked)
        except InvalidData as exc:
            errors = exc.errors
        else:
            flash(_("%(title)s is gepubliceerd. Vertrouwenspersonen horen ervan in de wekelijkse e-mail.",
                    title=made.title), "success")
            return redirect(url_for("library.document", document_id=made.id))
    session().rollback()
    return _publish_page(values, errors), 422


@bp.route("/documents/<id:document_id>/edit", methods=["GET", "POST"])
def edit(document_id: int):
    _managers_only()
    found = services.find_document(session(), current_user, document_id)
    if request.method == "GET":
        return _edit_page(found, document_values(found), {})
    details, values, errors = parse_document(request.form)
    if details is not None:
        try:
            services.change(session(), current_user, found, details)
        except InvalidData as exc:
            errors = exc.errors
        else:
            flash(_("De wijziging is bewaard."), "success")
            return redirect(url_for("library.document", document_id=document_id))
    session().rollback()
    return _edit_page(services.find_document(session(), current_user, document_id), values, errors), 422


@bp.post("/documents/<id:document_id>/versions")
def add_version(document_id: int):
    _managers_only()
    services.find_document(session(), current_user, document_id)
    errors: dict[str, str] = {}
    checked = _checked_file(errors)
    if checked is not None:
        try:
            version = services.add_version(session(), current_user, document_id, checked)
        except InvalidData as exc:
            errors = exc.errors
        else:
            flash(_("Versie %(number)s is opgeladen; de vorige versies blijven beschikbaar.", number=version.number),
                  "success")
            return redirect(url_for("library.document", document_id=document_id))
    session().rollback()
    return _document_page(services.find_document(session(), current_user, document_id), errors), 422


@bp.post("/documents/<id:document_id>/archive")
def archive(document_id: int):
    _managers_only()
    services.archive(session(), current_user, services.find_document(session(), current_user, document_id))
    flash(_("Het document is gearchiveerd: vertrouwenspersonen zien het niet meer."), "success")
    return redirect(url_for("library.document", document_id=document_id))


@bp.post("/documents/<id:document_id>/restore")
def restore(document_id: int):
    _managers_only()
    services.restore(session(), current_user, services.find_document(session(), current_user, document_id))
    flash(_("Het document is teruggezet: vertrouwenspersonen zien het weer."), "success")
    return redirect(url_for("library.document", document_id=document_id))


# ---- Helpers ----

def _managers_only() -> None:
    if not policy.can_manage_library(current_user):
        abort(403)


def _checked_file(errors: dict[str, str]) -> content.CheckedFile | None:
    """The posted file, checked; a refusal or a missing file adds its message to ``errors``."""
    try:
        checked = content.read_checked(request.files.get("file"))
    except FileRejected as exc:
        errors["file"] = exc.message
        return None
    if checked is None:
        errors["file"] = _("Kies een bestand: %(types)s, hoogstens 20 MB.", types=content.accepted_types())
    return checked


def _file_response(version: LibraryVersion):
    stored = version.file
    response = send_file(BytesIO(stored.content), mimetype=stored.mimetype, as_attachment=True,
                         download_name=version.file_name, etag=stored.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _index_page(values: dict, errors: dict):
    return render_template("library/index.html", folders=listing.folder_rows(session(), current_user),
                           recent=listing.recent(session(), current_user), values=values, errors=errors,
                           manager=policy.can_manage_library(current_user))


def _folder_page(found, values: dict | None, errors: dict):
    return render_template("library/folder.html", folder=found,
                           documents=listing.folder_documents(session(), current_user, found.id),
                           values=values or {"name": found.name, "description": found.description or ""},
                           errors=errors, manager=policy.can_manage_library(current_user))


def _document_page(found: LibraryDocument, errors: dict):
    return render_template("library/document.html", document=found, errors=errors,
                           versions=listing.versions(session(), found.id),
                           manager=policy.can_manage_library(current_user), accept=content.ACCEPT)


def _publish_page(values: dict, errors: dict):
    return render_template("library/edit.html", document=None, values=values, errors=errors, accept=content.ACCEPT,
                           folders=listing.folder_choices(session()), audiences=_audiences())


def _edit_page(found: LibraryDocument, values: dict, errors: dict):
    return render_template("library/edit.html", document=found, values=values, errors=errors,
                           folders=listing.folder_choices(session()), audiences=_audiences())


def _audiences() -> list[tuple[str | int, str]]:
    return [(ALL, _("Alle vertrouwenspersonen")), *listing.entity_choices(session())]
