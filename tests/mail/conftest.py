"""Mail fixtures: a real local SMTP server (aiosmtpd) that keeps what it receives, and an app that uses it."""
from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


class Collector(Message):
    """Keeps every message the server accepts (``email.message.Message`` objects)."""

    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


class Refuser:
    """An SMTP server that refuses every recipient."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 mailbox unavailable"


def free_port() -> int:
    """aiosmtpd cannot take port 0 (its self-check connects to the port it was given): pick one first."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(handler) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


@pytest.fixture
def smtp_server():
    """A running SMTP server; ``smtp_server.handler.messages`` holds what it received."""
    controller = start_server(Collector())
    yield controller
    controller.stop()


@pytest.fixture
def refusing_smtp_server():
    controller = start_server(Refuser())
    yield controller
    controller.stop()


def use_smtp(app, controller) -> None:
    """Point the app's (and so the process's) settings at ``controller``."""
    settings = app.extensions["vertrouwd_settings"]
    settings.smtp_host, settings.smtp_port = controller.hostname, controller.port


@pytest.fixture
def smtp_app(app, smtp_server):
    use_smtp(app, smtp_server)
    return app

