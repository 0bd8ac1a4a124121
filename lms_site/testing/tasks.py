"""Tasks for tests of the worker process itself (`lms_worker` imports them by their module path):
one that waits for the test's signal, one that leaves a mark."""

import time
from pathlib import Path

from django.tasks import task


@task
def wait_for_file(path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.05)


@task
def touch(path: str) -> None:
    Path(path).touch()
