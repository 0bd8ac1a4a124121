"""Tasks for tests of the worker process itself (`lms_worker` imports them by their module path):
one that waits for the test's signal, one that leaves a mark."""

import time
from pathlib import Path

from django.tasks import task


def started_mark(path: str) -> Path:
    """Left by wait_for_file as it begins: the worker is running it (its row says RUNNING a moment
    earlier, before db_worker counts a task as under way)."""
    return Path(path + ".started")


@task
def wait_for_file(path: str, timeout: float = 60.0) -> None:
    started_mark(path).touch()
    deadline = time.monotonic() + timeout
    while not Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.05)


@task
def touch(path: str) -> None:
    Path(path).touch()
