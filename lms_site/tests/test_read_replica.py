"""Reports read from a PostgreSQL streaming replica; the real-time path reads the primary; a
replica that lags too far or is down leaves reports on the primary, without an error.

A private primary and replica (lms_site/testing/pgreplica.py) hold a copy of the test database;
daphne processes run against them as production would (DATABASE_URL, DATABASE_REPLICA_URL). Pausing
the replica's replay makes a change visible on the primary only, which tells who read where."""

import csv
import io
import json
import subprocess
import sys
import urllib.request

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from lms_site.testing.events import newest_id
from lms_site.testing.pgreplica import PostgresReplicaPair
from lms_site.testing.servers import BASE_DIR, DaphneServer, eventually, session_cookie
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.postgresql  # a streaming replica is PostgreSQL's


@pytest.fixture
def replica_pair():
    pair = PostgresReplicaPair()
    try:
        yield pair.start()
    finally:  # also when starting failed half-way
        pair.stop()


def _api(server, token: str, path: str, method: str = "GET") -> tuple[int, object]:
    request = urllib.request.Request(  # noqa: S310 (always http://127.0.0.1:<port>)
        server.url + "/api/v1/" + path, method=method, headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, json.loads(response.read() or b"null")


def subscribers(server, token: str) -> dict[str, int]:
    """The completion report as the instructor gets it: subscribers per course code."""
    status, rows = _api(server, token, "admin/reports/course-completion")
    assert status == 200
    return {row["course"]: row["subscribers"] for row in rows}


def export_students(server, code: str) -> list[str]:
    """`manage.py export_grades` as an operator runs it beside `server`: the students it lists."""
    export = subprocess.run(
        [sys.executable, "manage.py", "export_grades", code],
        cwd=BASE_DIR, env=server.env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [row[1] for row in csv.reader(io.StringIO(export.stdout))][1:]


@pytest.mark.usefixtures("transactional_db")
def test_reports_read_the_replica_and_replay_reads_the_primary(replica_pair, alice, carol_in_cs101, dave, cs101):
    alice_token, dave_token = (Token.objects.create(user=user).key for user in (alice, dave))
    alice_cookie, start = session_cookie(alice), newest_id()
    replica_pair.copy_database(connection.settings_dict)
    servers = {
        # Content with a replica hours behind, and one that wants it within a second.
        patience: DaphneServer(
            database_url=replica_pair.url(),
            extra_env={
                "DATABASE_REPLICA_URL": replica_pair.url(replica=True),
                "DATABASE_REPLICA_MAX_LAG_SECONDS": str(patience),
            },
        )
        for patience in (3600, 1)
    }
    patient, strict = servers[3600], servers[1]
    try:
        for server in servers.values():
            server.start()
            assert subscribers(server, alice_token) == {cs101.code: 1}
            assert "Reports read from the replica" in server.log()

        replica_pair.pause_replay()
        assert _api(patient, dave_token, f"enrollments/{cs101.code}", method="POST")[0] == 201
        with replica_pair.connect() as primary, replica_pair.connect(replica=True) as replica:
            joined = "SELECT id FROM notifications_event WHERE topic = %s AND id > %s"
            arguments = [f"user:{alice.pk}", start]
            [(event_id,)] = primary.execute(joined, arguments).fetchall()  # "Dave joined CS101", for alice
            assert replica.execute(joined, arguments).fetchall() == []
        # The report and the gradebook export read the replica: dave is not there yet.
        assert subscribers(patient, alice_token) == {cs101.code: 1}
        assert export_students(patient, cs101.code) == ["carol"]
        # Replay reads the primary: a socket resuming from before gets the event the replica lacks.
        with SocketClient(patient, cookie=alice_cookie, after=start) as socket:
            socket.until_event(event_id)
        # A replica further behind than allowed: reports read the primary, which has dave.
        assert eventually(lambda: subscribers(strict, alice_token) == {cs101.code: 2}, timeout=15)
        assert "Reports read from the primary: the replica lags" in strict.log()

        replica_pair.resume_replay()
        replica_pair.stop_replica()
        # The replica is down: reports still work, from the primary, for both (the strict one had
        # left the replica already).
        for server in servers.values():
            assert eventually(lambda server=server: subscribers(server, alice_token) == {cs101.code: 2}, timeout=15)
            assert " 500 " not in server.log()
        assert "Reports read from the primary: the replica does not answer" in patient.log()
    finally:
        for server in servers.values():
            server.stop()
