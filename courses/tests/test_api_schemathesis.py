"""Property-based tests of the whole API with schemathesis, against the live schema of a real daphne.

Every operation of /api/v1/schema/ is called with generated valid and invalid inputs, by token as a
student and as an instructor; the run fails on any 5xx, any status the schema does not list, and
any response body that does not match its schema. Bounded and seeded, so it is quick and repeatable.
"""

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from courses.models import Announcement, Resource
from courses.services import start_thread
from lms_site.testing import content as w
from lms_site.testing.servers import DaphneServer, database_url

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# Generous rates for this server only: the fuzzer must not be throttled into failure. The
# strict defaults are proven by accounts/tests/test_api_auth.py.
MAX_EXAMPLES = 10
SEED = 5
UNTHROTTLED = {"THROTTLE_ANON": "100000/min", "THROTTLE_USER": "100000/min", "THROTTLE_AUTH": "100000/min"}


def start_server(redis_url: str) -> DaphneServer:
    return DaphneServer(
        database_url=database_url(connection.settings_dict), redis_url=redis_url, extra_env=UNTHROTTLED
    ).start()


@pytest.fixture
def course_data(alice, bob, carol, dave, cs101, ma201, draft, carol_in_cs101):
    """Something behind every endpoint: resources, an announcement, lessons, a thread."""
    Resource.objects.create(course=cs101, title="Docs", url="https://docs.python.org/")
    Resource.objects.create(course=cs101, title="Notes", body="Chapter 1")
    Announcement.objects.create(course=cs101, author=alice, title="Welcome", body="Hello")
    week = w.module(cs101)
    lessons = [
        w.lesson(week, "Intro"),
        w.lesson(week, "Draft", published=False, position=1),
        w.quiz_lesson(week).lesson,
    ]
    thread = start_thread(author=carol, course=cs101, title="Loops?", body="How do loops work?")
    return {
        "people": {"student": carol, "instructor": alice},
        # Real identifiers, used for most generated path parameters so that calls reach past the 404.
        "dictionaries": {
            "code": ["CS101", "CS999", "MA201"],
            "id": [thread.pk, *(lesson.pk for lesson in lessons), *cs101.resources.values_list("pk", flat=True)],
            "lesson_id": [lesson.pk for lesson in lessons],
            "user_id": [carol.pk, dave.pk, alice.pk],
        },
    }


def write_config(path: Path, dictionaries: dict[str, list]) -> Path:
    lines = []
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    # One unlisted method per path is enough to prove 405s are JSON; all eight double the run.
    lines += ["[phases.coverage]", 'unexpected-methods = ["PATCH"]', "", "[parameters]"]
    lines += [f'"path.{name}" = {{ dictionary = "{name}", probability = 0.8 }}' for name in dictionaries]
    path.write_text("\n".join(lines) + "\n")
    return path


def schemathesis_command(server: DaphneServer, token: str, *, config: Path, seed: int) -> list[str]:
    return [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        f"{server.url}/api/v1/schema/?format=json",
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(seed),
        "--workers",
        "2",
        "--request-timeout",
        "10",
        "--generation-database",
        "none",
        "--no-color",
    ]


@pytest.mark.long
@pytest.mark.timeout(300)  # ~80 s on an idle machine; room for a busy one
def test_every_operation_survives_generated_input(redis_server, course_data, tmp_path):
    """A student and an instructor, each against their own server, at the same time: the two runs
    share the two cores with their servers and finish well inside the time limit."""
    people = course_data["people"]
    config = write_config(tmp_path / "schemathesis.toml", course_data["dictionaries"])
    servers = {role: start_server(redis_server.url) for role in people}
    try:
        started = time.monotonic()
        runs = {
            role: subprocess.Popen(
                schemathesis_command(server, Token.objects.create(user=people[role]).key, config=config, seed=SEED),
                cwd=tmp_path,  # its cache directory goes there, not into the project
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for role, server in servers.items()
        }
        outputs = {role: run.communicate(timeout=150)[0] for role, run in runs.items()}
        seconds = time.monotonic() - started
        for role, output in outputs.items():
            summary = re.findall(r"(?m)^\s*(?:Operations:|Tested:|\d+ generated|\S+ +\w+ \(in |⚠️).*$", output)
            print(f"schemathesis as {role} ({seconds:.0f} s for both):", *summary, sep="\n  ")
        for role, output in outputs.items():
            log = servers[role].log()[-3000:]
            assert runs[role].returncode == 0, f"as {role}:\n{output[-8000:]}\n--- server log ---\n{log}"
            assert re.search(r"Tested: +\d+", output), output[-2000:]
    finally:
        for server in servers.values():
            server.stop()
