"""While the database cannot be reached (a primary failing over), a real daphne answers every request
with a clear 503 and Retry-After: a short page for browsers, the API's JSON error body under /api/,
never a traceback, whether the database was first needed by the view, by the session middleware or
by the API's token authentication. An open socket stays open meanwhile and catches up by replay when
the database is back. lms_site/database_down.py; docs/deploy.md "Primary failover"."""

import http.client
import json

import pytest
from django.db import connection

from lms_site.testing.cutoff import DatabaseCutoff
from lms_site.testing.servers import DaphneServer, database_url, eventually, free_port
from lms_site.testing.sockets import SocketClient
from notifications.models import Event

#: A PostgreSQL address nothing listens on: every connection attempt is refused.
UNREACHABLE = f"postgres://postgres@127.0.0.1:{free_port()}/lms"


@pytest.fixture(scope="module")
def daphne_without_database(redis_server):
    # DEBUG on, as under `make run`: even Django's debug page gives way to the 503.
    server = DaphneServer(database_url=UNREACHABLE, redis_url=redis_server.url).start()
    yield server
    server.stop()


def get(server, path: str, **headers) -> tuple[http.client.HTTPResponse, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response, body


@pytest.mark.parametrize(
    "headers",
    [{}, {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}],
    ids=["the view reads first", "the session middleware reads first"],
)
def test_a_page_answers_503_with_a_clear_message(daphne_without_database, headers):
    response, body = get(daphne_without_database, "/courses/", **headers)
    assert response.status == 503
    assert response.getheader("Retry-After") == "30"
    assert response.getheader("Content-Type").startswith("text/html")
    assert "<h1>Back in a moment</h1>" in body and "database is unavailable" in body
    assert "Traceback" not in body and "OperationalError" not in body


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Token 0123456789abcdef0123456789abcdef01234567"}], ids=["anonymous", "token"]
)
def test_the_api_answers_503_json(daphne_without_database, headers):
    response, body = get(daphne_without_database, "/api/v1/courses", **headers)
    assert response.status == 503
    assert response.getheader("Retry-After") == "30"
    error = json.loads(body)["error"]
    assert error["status"] == 503 and error["code"] == "database_unavailable"
    assert "database is unavailable" in error["message"]


def test_health_says_the_database_is_down(daphne_without_database):
    response, body = get(daphne_without_database, "/healthz")
    assert response.status == 503 and json.loads(body)["database"] == "down"


def test_the_503_page_is_accessible(daphne_without_database, browser, axe):
    page = browser.new_page()
    answer = page.goto(daphne_without_database.url + "/courses/")
    assert answer.status == 503
    assert axe(page) == []
    page.close()


@pytest.mark.usefixtures("transactional_db")
def test_a_socket_stays_open_while_the_database_is_away_and_catches_up_by_replay(redis_server, carol_in_cs101, cs101):
    cutoff = DatabaseCutoff(database_url(connection.settings_dict))
    server = DaphneServer(database_url=cutoff.url, redis_url=redis_server.url).start()
    try:
        with SocketClient.of(server, carol_in_cs101.student) as socket:
            socket.until_heartbeat()
            cutoff.cut()
            eventually(lambda: "Activity heartbeat failed" in server.log(), timeout=15)
            assert get(server, "/courses/")[0].status == 503
            # Committed on the database while the processes could not reach it, its doorbell lost
            # (written here without publishing): only the log has it.
            missed = Event.objects.create(
                kind=Event.Kind.NEW_RESOURCE, topic="course:CS101", course=cs101, payload={"title": "During the switch"}
            )
            assert socket.close_code(timeout=3) is None  # still open, heartbeats failing meanwhile
            cutoff.restore()
            # The next heartbeat reads the newest id from the database again and replays the gap.
            socket.until_event(missed.pk, timeout=20)
            socket.until_heartbeat()
            assert socket.ids.count(missed.pk) == 1
            assert get(server, "/courses/")[0].status == 200
    finally:
        server.stop()
        cutoff.stop()
