"""Writes held open: a resource added in a transaction of its own that commits only when the test
says so, to put concurrent transactions in a chosen order. `HeldWrite` runs in a thread (its own
database connection) and publishes through this process's channel layer; `HeldWriteProcess` is
another process without Redis, so its doorbell never reaches any socket, as when a publisher loses
Redis: the event is only in the table."""

import json
import os
import subprocess
import sys
import threading

from django.db import connection, transaction

from lms_site.testing.servers import BASE_DIR


def add_resource(course_code: str, title: str) -> list[int]:
    """Add a resource through the ordinary save (the signal writes its events); the ids of the
    events it wrote on the course's topic, as its own transaction sees them."""
    from courses.models import Course, Resource
    from notifications.models import Event

    course = Course.objects.get(code=course_code)
    newest = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    resource = Resource.objects.create(course=course, title=title, body="x")
    events = Event.objects.filter(id__gt=newest, topic=f"course:{course.code}", payload__id=resource.pk)
    return sorted(events.values_list("id", flat=True))


class HeldWrite:
    def __init__(self, course_code: str, title: str):
        self.course_code, self.title = course_code, title
        self.event_ids: list[int] = []
        self.error: BaseException | None = None
        self.written = threading.Event()
        self.go = threading.Event()
        self.committed = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "HeldWrite":
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            with transaction.atomic():
                # First of the commit hooks: the writes the others make after the commit (the task
                # row) may wait for another transaction the test still holds open on SQLite.
                transaction.on_commit(self.committed.set)
                self.event_ids = add_resource(self.course_code, self.title)
                self.written.set()
                self.go.wait(60)
        except BaseException as error:  # handed to the test by commit()
            self.error = error
        finally:
            self.written.set()
            self.committed.set()
            connection.close()

    def wait_written(self, timeout: float = 30) -> list[int]:
        assert self.written.wait(timeout), f"{self.title} was not written within {timeout} s"
        if self.error:
            raise self.error
        return self.event_ids

    def commit(self) -> None:
        self.go.set()
        assert self.committed.wait(60), f"{self.title} did not commit within 60 s"
        if self.error:
            raise self.error


_SCRIPT = """
import json, sys
import django
django.setup()
from django.db import transaction
from lms_site.testing.writers import add_resource
with transaction.atomic():
    transaction.on_commit(lambda: print("committed", flush=True))
    print(json.dumps(add_resource(sys.argv[1], sys.argv[2])), flush=True)
    sys.stdin.readline()
"""


class HeldWriteProcess:
    def __init__(self, *, database_url: str, course_code: str, title: str):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms_site.settings", "DATABASE_URL": database_url}
        env["REDIS_URL"] = ""  # the in-process layer: the doorbell rings in this process only
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SCRIPT, course_code, title],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.event_ids: list[int] = []

    def wait_written(self) -> list[int]:
        line = self.process.stdout.readline()
        assert line, f"the writer process ended without writing (exit code {self.process.wait(30)})"
        self.event_ids = json.loads(line)
        return self.event_ids

    def commit(self) -> None:
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline().strip() == "committed"

    def wait_ended(self) -> None:
        assert self.process.wait(60) == 0
