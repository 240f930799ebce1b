"""Vertrouwd: case management for the confidants' network of the Flemish government."""
from __future__ import annotations

from types import ModuleType

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import dispatch
from app.config import Settings, use_settings
from app.db import db
from app.extensions import babel, csrf, limiter, login_manager, select_locale
from app.logs import configure_logging


def create_app(settings: Settings | None = None, config: dict | None = None, *,
               dispatch_factory: dispatch.DispatchFactory | None = None) -> Flask:
    """The application factory: web processes, the CLI and tests each call it with their settings.

    ``dispatch_factory`` makes, from the settings, the dispatcher that hands work to the workers after a commit
    (``workers.rq_dispatch.connect`` in web processes, a recorder in tests); without it the process keeps the
    dispatcher it was given before (the `vertrouwd` command's), or has none.
    """
    settings = settings or Settings()
    from app import web

    app = web.VertrouwdFlask(__name__, instance_path=str(settings.upload_dir.parent))
    app.config.update(settings.flask_config())
    app.config.update(config or {})
    app.extensions["vertrouwd_settings"] = settings
    configure_process(settings, dispatch_factory)
    configure_logging()

    db.init_app(app, settings.database_url)
    _configure_passwords(app)
    _configure_sessions(app, settings)
    from app import i18n

    i18n.compile_catalogs()
    babel.init_app(app, locale_selector=select_locale)
    i18n.init_app(app, babel)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    web.register_converters(app)
    _register_blueprints(app)
    web.init_app(app)
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
    return app


def configure_process(settings: Settings, dispatch_factory: dispatch.DispatchFactory | None = None) -> None:
    """What every process sets up before it runs the engine, with Flask or without (the worker, the `vertrouwd`
    command): the database, the settings that mail and jobs read outside a request, the dispatcher, the audit log's
    key, the sandbox's budget and what each area registers."""
    from app.dossiers import audit
    from app.engine import sandbox_budget

    db.configure(settings.database_url)
    use_settings(settings)
    if dispatch_factory is not None:
        dispatch.configure(dispatch_factory(settings))
    audit.configure(settings.audit_key)  # also for services that append outside a request
    sandbox_budget.configure(settings.sandbox_max_bytes)
    register_areas()


def register_areas() -> tuple[ModuleType, ...]:
    """Import the modules with which the areas add to the engine and the task screens: their service tasks
    (``@service``), form checks (``@form_check``), data keepers (``@data_keeper``) and task panels (``@task_panel``)
    register themselves on import. The registries import no area; a new module that registers something goes here.
    Returns those modules."""
    from app.dossiers import consultation, escalation, panels, recovery_process
    from app.intervision import external as intervision_external, year as intervision_year
    from app.lifecycle import inactivity_panel, inactivity_process
    from app.mail import service
    from app.roster import panels as roster_panels, services as roster_services
    from app.training import services as training_services
    from app.retention import jobs as retention_jobs
    from app.lifecycle import resignation_effective, resignation_steps
    from app.library import digest as library_digest
    from app.incidents import account as incident_account, panels as incident_panels, sharing as incident_sharing
    from app.register import measures as register_measures
    from app.evaluation import conversation as evaluation_conversation, jobs as evaluation_jobs

    return (consultation, escalation, panels, recovery_process, service, roster_panels, roster_services,
            training_services, intervision_external, intervision_year, retention_jobs, resignation_steps,
            resignation_effective, library_digest, inactivity_process, inactivity_panel, register_measures,
            incident_account, incident_panels, incident_sharing, evaluation_conversation, evaluation_jobs)


def _configure_passwords(app: Flask) -> None:
    from app.auth import passwords
    from app.crypto import user_keys
    from app.crypto.keys import KdfParams

    passwords.configure(app.config.get("ARGON2_TIME_COST", 3), app.config.get("ARGON2_MEMORY_KIB", 65536),
                        app.config.get("ARGON2_PARALLELISM", 4))
    # The same Argon2id cost seals each user's private key under the password (app/crypto).
    user_keys.configure(KdfParams(iterations=app.config.get("ARGON2_TIME_COST", 3),
                                  memory_kib=app.config.get("ARGON2_MEMORY_KIB", 65536),
                                  lanes=app.config.get("ARGON2_PARALLELISM", 4)))


def _configure_sessions(app: Flask, settings: Settings) -> None:
    from datetime import timedelta

    from app.auth import second_factor
    from app.auth.web_sessions import ServerSessionInterface

    app.session_interface = ServerSessionInterface(idle=timedelta(minutes=settings.session_idle_minutes),
                                                   max_age=timedelta(hours=settings.session_max_hours))
    second_factor.configure(settings.totp_key)


def _register_blueprints(app: Flask) -> None:
    from app.admin.routes import bp as admin_bp
    from app.assets import bp as assets_bp
    from app.api.routes import bp as api_bp
    from app.auth.routes import bp as auth_bp
    from app.dossiers.recovery_routes import bp as recovery_bp
    from app.dossiers.routes import bp as dossiers_bp
    from app.dossiers.take_up_routes import bp as delicate_bp
    from app.intervision import blueprints as intervision_blueprints
    from app.library.routes import bp as library_bp
    from app.lifecycle.inactivity_routes import bp as inactivity_bp
    from app.roster.routes import bp as roster_bp
    from app.workflow.routes import bp as workflow_bp
    from app.room import blueprint as room_blueprint
    from app.retention.routes import bp as retention_bp

    for blueprint in (auth_bp, workflow_bp, roster_bp, dossiers_bp, recovery_bp, delicate_bp, admin_bp, api_bp,
                      assets_bp, *intervision_blueprints(), retention_bp, inactivity_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(room_blueprint())
    app.register_blueprint(library_bp)
    csrf.exempt(api_bp)
    from app.roster.published_routes import bp as published_bp  # the published list (R14), without a login
    app.register_blueprint(published_bp)
    from app.lifecycle.resignation_routes import bp as resignation_bp
    app.register_blueprint(resignation_bp)
    from app.reports.routes import bp as reports_bp
    app.register_blueprint(reports_bp)
    from app.register.routes import bp as register_bp
    from app.contacts.routes import bp as contacts_bp
    app.register_blueprint(register_bp)
    app.register_blueprint(contacts_bp)
    from app.evaluation.routes import bp as evaluation_bp
    app.register_blueprint(evaluation_bp)
