"""Logging for web, worker and CLI: one format; SpiffWorkflow's per-task chatter kept out."""
from __future__ import annotations

import logging


def configure_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # SpiffWorkflow logs every task state change at INFO, with task data in the record's extras.
    logging.getLogger("spiff").setLevel(logging.WARNING)
