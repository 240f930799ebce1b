"""WSGI entry point for gunicorn: `gunicorn workers.wsgi:app`, the web with RQ's dispatcher."""
from app import create_app
from workers import rq_dispatch

app = create_app(dispatch_factory=rq_dispatch.connect)
