"""Inbox, starting a process, the task screen and the instance pages."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import model_texts
from app.auth import policy
from app.db import session
from app.engine import registry
from app.engine.errors import Conflict, InvalidData, TaskNotReady
from app.forms import parse_submission
from app.models import Entity, InstanceStatus, TaskState
from app.web import local_path
from app.workflow import claims, files, instance_admin, saved_filters, services, views
from app.workflow import instances as instance_pages
from app.workflow.panels import panels_for

bp = Blueprint("workflow", __name__)
bp.add_app_template_global(instance_pages.incident_text)  # the instance pages say it in the reader's language


@bp.get("/")
@login_required
def home():
    return redirect(url_for("workflow.inbox"))


@bp.get("/inbox")
@login_required
def inbox():
    user = current_user._get_current_object()  # read per row: the proxy would cost three look-ups each time
    screen = views.inbox_screen(session(), user, request.args)
    return render_template("workflow/inbox.html", screen=screen), 422 if screen.errors else 200


@bp.post("/inbox/filters")
@login_required
def save_filter():
    query = request.form.get("query", "")
    back = url_for("workflow.inbox") + (f"?{query}" if query else "")
    try:
        saved = saved_filters.save(session(), current_user, request.form.get("name"), query)
    except InvalidData as exc:
        return _refused(exc, local_path(back, url_for("workflow.inbox")))
    flash(_("Filter '%(name)s' bewaard.", name=saved.name), "success")
    return redirect(url_for("workflow.inbox") + (f"?{saved.query}" if saved.query else ""))


@bp.post("/inbox/filters/<id:filter_id>/delete")
@login_required
def delete_filter(filter_id: int):
    saved = saved_filters.delete(session(), current_user, filter_id)
    flash(_("Filter '%(name)s' verwijderd.", name=saved.name), "success")
    return redirect(url_for("workflow.inbox"))


@bp.post("/tasks/<id:task_id>/claim")
@login_required
def claim(task_id: int):
    return _change_hands(lambda: claims.claim(session(), current_user, task_id),
                         lambda task: _("U hebt '%(title)s' opgenomen.", title=model_texts.task_title(task)))


@bp.post("/tasks/<id:task_id>/release")
@login_required
def release(task_id: int):
    return _change_hands(lambda: claims.release(session(), current_user, task_id),
                         lambda task: _("U gaf '%(title)s' vrij; ze staat weer open voor uw collega's.",
                                        title=model_texts.task_title(task)))


@bp.post("/tasks/<id:task_id>/assign")
@login_required
def assign(task_id: int):
    return _change_hands(lambda: claims.assign(session(), current_user, task_id, request.form.get("user")),
                         lambda task: _("U droeg '%(title)s' over aan %(name)s.", title=model_texts.task_title(task),
                                        name=task.assignee.name))


def _change_hands(action, done_message):
    """Claim, release or hand over, then back where the button was (a path of this site only). A colleague who
    was quicker, a task done meanwhile or a colleague who cannot take it: said in a message, nothing changed."""
    back = local_path(request.form.get("next"), url_for("workflow.inbox"))
    try:
        task = action()
    except (Conflict, TaskNotReady, InvalidData) as exc:
        return _refused(exc, back)
    flash(done_message(task), "success")
    return redirect(back)


def _refused(error, back: str):
    session().rollback()
    errors = getattr(error, "errors", None)
    flash(str(next(iter(errors.values()))) if errors else str(error.message), "error")
    return redirect(back)


@bp.route("/processes/<key>/start", methods=["GET", "POST"])
@login_required
def start(key: str):
    version = registry.current_version(session(), key)
    form = services.start_form(version)
    if form is None:  # started by the application (from a dossier, a timer): it has no start page
        abort(404)
    entities = policy.startable_entities(current_user, version, list(session().scalars(select(Entity).order_by(Entity.name))))
    if not entities:
        abort(403)
    values, errors = {}, {}
    if request.method == "POST":
        entity = next((e for e in entities if e.code == request.form.get("entity")), None)
        values, errors = parse_submission(form, request.form, request.files,
                                          store_file=services.file_store(session(), current_user))
        if entity is None:
            errors["entity"] = _("Kies een entiteit waarvoor u dit proces mag starten.")
        if not errors:
            try:
                instance = services.start_process(session(), current_user, key, entity, values)
            except InvalidData as exc:
                errors = exc.errors
            else:
                flash(_("Het proces werd gestart. De volgende stap staat bij de bevoegde persoon."), "success")
                return redirect(url_for("workflow.instance", instance_id=instance.id))
        values = files.without_files(form, values)
    status = 422 if errors else 200
    return render_template("workflow/start.html", version=version, form=form, values=values, errors=errors,
                           entities=entities, selected_entity=request.form.get("entity")), status


@bp.route("/tasks/<id:task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: int):
    task = services.task_for(session(), current_user, task_id)
    if request.method == "POST" and task.state != TaskState.READY:
        flash(_("Deze taak werd al afgewerkt."), "error")
        return redirect(url_for("workflow.instance", instance_id=task.instance_id))
    screen = views.task_screen(session(), task)
    values, errors, status = screen.values, {}, 200
    if request.method == "POST":
        title = model_texts.task_title(task)
        values, errors = parse_submission(screen.form, request.form, request.files,
                                          store_file=services.file_store(session(), current_user, task))
        if not errors and task.instance.status == InstanceStatus.SUSPENDED:
            status = 409  # the form stays as filled in, under the notice that says why
        elif not errors:
            try:
                services.complete_task(session(), current_user, task.id, values)
            except InvalidData as exc:
                errors = exc.errors
            else:
                flash(_("Taak '%(title)s' afgewerkt.", title=title), "success")
                return redirect(url_for("workflow.inbox"))
        values = views.shown_again(screen, values)
    status = 422 if errors else status
    return render_template("workflow/task.html", task=task, screen=screen, values=values, errors=errors,
                           panels=panels_for(session(), current_user, task),
                           colleagues=views.colleagues_for(session(), current_user, task)), status


@bp.get("/files/<id:file_id>")
@login_required
def file(file_id: int):
    stored = services.file_for(session(), current_user, file_id)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(stored.mimetype, "bin")
    response = Response(stored.content, mimetype=stored.mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="bestand-{stored.id}.{extension}"'
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/instances")
@login_required
def instances():
    screen = views.instances_screen(session(), current_user._get_current_object(), request.args)
    return render_template("workflow/instances.html", screen=screen, page=screen.page, errors=screen.errors,
                           choices=screen.choices), 422 if screen.errors else 200


@bp.post("/instances/<id:instance_id>/suspend")
@login_required
def suspend_instance(instance_id: int):
    return _administer(instance_id, lambda: instance_admin.suspend(session(), current_user, instance_id),
                       _("Het proces is opgeschort."))


@bp.post("/instances/<id:instance_id>/resume")
@login_required
def resume_instance(instance_id: int):
    return _administer(instance_id, lambda: instance_admin.resume(session(), current_user, instance_id),
                       _("Het proces is hervat."))


@bp.post("/instances/<id:instance_id>/terminate")
@login_required
def terminate_instance(instance_id: int):
    reason = request.form.get("reason")
    return _administer(instance_id, lambda: instance_admin.terminate(session(), current_user, instance_id, reason),
                       _("Het proces is beëindigd."))


def _administer(instance_id: int, act, done: str):
    """Back to the instance page, saying what happened or why not (a state changed meanwhile, no reason)."""
    try:
        act()
    except (Conflict, InvalidData) as refused:
        session().rollback()
        reasons = getattr(refused, "errors", {})
        flash(str(reasons.get("reason") or refused.message), "error")
    else:
        flash(done, "success")
    return redirect(url_for("workflow.instance", instance_id=instance_id))


@bp.get("/instances/<id:instance_id>")
@login_required
def instance(instance_id: int):
    page = instance_pages.instance_page(session(), current_user, instance_id)
    admin_panel = instance_admin.panel(session(), current_user, page.instance)
    if page.access is not policy.InstanceAccess.FULL:
        return render_template("workflow/instance_status.html", instance=page.instance, admin_panel=admin_panel)
    return render_template("workflow/instance.html", page=page, instance=page.instance, admin_panel=admin_panel)


from app.workflow import instance_routes  # noqa: E402,F401  (the diagram and the migration of one instance)
