"""The `vertrouwd` command as installed: the app's commands (app/cli.py) with `worker` and `run` added, in a process
whose dispatcher is RQ's. Here, in the process's entry point, app/ and workers/ meet; app/ never imports workers/."""
from __future__ import annotations

import click

from app import configure_process
from app.cli import main
from app.config import Settings
from workers import rq_dispatch


@main.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (for tests).")
def worker(burst: bool) -> None:
    """Run an RQ worker with its scheduler."""
    from workers.worker import run_worker

    run_worker(Settings(), burst=burst)


@main.command()
def run() -> None:
    """Run everything on one machine: embedded Redis (unless REDIS_URL), one worker and the web server."""
    from workers.run import run_all

    run_all(Settings())


def vertrouwd() -> None:
    """The console script: every command may commit work for the workers (a mail, the demo's timers)."""
    configure_process(Settings(), rq_dispatch.connect)
    main()


if __name__ == "__main__":
    vertrouwd()
