"""HTTP_REQUESTS_PER_PROCESS (lms_site/http_slots.py): requests beyond it wait their turn on the
loop instead of each running in a thread of its own; a request still sending its body holds no turn;
the turns are threads the process keeps, and a database connection serves request after request on
one for DB_CONN_MAX_AGE.

The site's own handler (the one daphne serves, lms_site.asgi) driven by ASGI messages, with a view
that counts how many requests are inside it at once."""

import asyncio
import itertools
import threading
import time

import pytest
from asgiref.testing import ApplicationCommunicator
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from lms_site.http_slots import BoundedASGIHandler
from lms_site.testing.servers import run_async

pytestmark = pytest.mark.urls(__name__)

inside = {"now": 0, "most": 0}
lock = threading.Lock()


@csrf_exempt  # the test posts without a form
def busy(request):
    with lock:
        inside["now"] += 1
        inside["most"] = max(inside["most"], inside["now"])
    time.sleep(0.2)  # a page's work: the others arrive meanwhile
    with lock:
        inside["now"] -= 1
    return HttpResponse(f"{len(request.body)} bytes")


threads = threading.local()
thread_numbers = itertools.count()


def query(request):
    """Which of the process' threads ran this request (a number per thread), after a query."""
    if not hasattr(threads, "number"):
        threads.number = next(thread_numbers)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse(str(threads.number))


def backend(request):
    """The PostgreSQL server process behind this thread's connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return HttpResponse(str(cursor.fetchone()[0]))


def close(request):
    connections.close_all()  # the test database outlives no connection of these threads
    return HttpResponse("closed")


urlpatterns = [
    path("busy/", busy),
    path("query/", query),
    path("backend/", backend),
    path("close/", close),
    path("", include("lms_site.urls")),  # the middleware names admin URLs
]


def scope(method: str = "GET", where: str = "/busy/") -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": where,
        "raw_path": where.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


async def answer(communicator: ApplicationCommunicator) -> tuple[int, bytes]:
    start = await communicator.receive_output(10)
    body = await communicator.receive_output(10)
    return start["status"], body["body"]


@pytest.fixture(autouse=True)
def counter():
    inside.update(now=0, most=0)


@pytest.mark.parametrize("per_process", [1, 2])
def test_no_more_requests_run_at_once_than_the_setting_and_every_one_is_answered(settings, per_process):
    settings.HTTP_REQUESTS_PER_PROCESS = per_process
    handler = BoundedASGIHandler()

    async def five_at_once():
        communicators = [ApplicationCommunicator(handler, scope()) for _ in range(5)]
        for communicator in communicators:
            await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        return await asyncio.gather(*(answer(c) for c in communicators))

    answers = run_async(five_at_once)
    assert answers == [(200, b"0 bytes")] * 5
    assert inside["most"] == per_process


def test_a_request_still_sending_its_body_holds_no_turn(settings):
    settings.HTTP_REQUESTS_PER_PROCESS = 1
    handler = BoundedASGIHandler()

    async def slow_upload_then_a_page():
        upload = ApplicationCommunicator(handler, scope("POST"))
        await upload.send_input({"type": "http.request", "body": b"half ", "more_body": True})
        page = ApplicationCommunicator(handler, scope())
        await page.send_input({"type": "http.request", "body": b"", "more_body": False})
        page_answer = await answer(page)  # while the upload has not finished
        await upload.send_input({"type": "http.request", "body": b"and the rest", "more_body": False})
        return page_answer, await answer(upload)

    page_answer, upload_answer = run_async(slow_upload_then_a_page)
    assert page_answer == (200, b"0 bytes")
    assert upload_answer == (200, b"17 bytes")


def get(handler, where: str) -> "asyncio.Future":
    communicator = ApplicationCommunicator(handler, scope(where=where))

    async def answered():
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        return await answer(communicator)

    return asyncio.ensure_future(answered())


@pytest.fixture
def opened():
    """The database connections opened while the test runs, in any thread."""
    count = {"n": 0}

    def counted(**kwargs):
        count["n"] += 1

    connection_created.connect(counted, weak=False)
    yield count
    connection_created.disconnect(counted)


@pytest.mark.django_db
def test_requests_run_on_the_turns_threads_and_reuse_their_connection(settings, monkeypatch, opened):
    settings.HTTP_REQUESTS_PER_PROCESS = 2
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 60)
    handler = BoundedASGIHandler()

    async def pages():
        at_once = await asyncio.gather(*(get(handler, "/query/") for _ in range(6)))
        one_by_one = [await get(handler, "/query/") for _ in range(4)]
        closed = [await get(handler, "/close/") for _ in range(2)] + await asyncio.gather(
            get(handler, "/close/"), get(handler, "/close/")
        )
        return at_once + one_by_one, closed

    answers, closed = run_async(pages)
    assert {status for status, _ in answers} == {200} and {body for _, body in closed} == {b"closed"}
    assert len({body for _, body in answers}) == 2  # ten requests, two threads
    assert opened["n"] == 2  # a connection each, kept from request to request


@pytest.mark.django_db
def test_a_connection_past_its_age_is_closed_after_the_request_on_its_turn(settings, monkeypatch, opened):
    settings.HTTP_REQUESTS_PER_PROCESS = 1
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    handler = BoundedASGIHandler()

    async def pages():
        return [await get(handler, "/query/") for _ in range(3)]

    answers = run_async(pages)
    assert answers == [(200, answers[0][1])] * 3  # one thread
    assert opened["n"] == 3  # and a connection per request, as DB_CONN_MAX_AGE=0 asks


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_kept_connection_the_database_dropped_is_replaced_before_the_next_request(settings, monkeypatch):
    settings.HTTP_REQUESTS_PER_PROCESS = 1
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 60)
    handler = BoundedASGIHandler()

    async def pages():
        first = await get(handler, "/backend/")
        # A restart or an idle timeout on the server's side: the kept connection is gone.
        await asyncio.to_thread(terminate, int(first[1]))
        second = await get(handler, "/backend/")
        await get(handler, "/close/")
        return first, second

    first, second = run_async(pages)
    assert first[0] == second[0] == 200
    assert first[1] != second[1]  # a new connection, not an error page


def terminate(pid: int) -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
