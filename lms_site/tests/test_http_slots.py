"""HTTP_REQUESTS_PER_PROCESS (lms_site/http_slots.py): requests beyond it wait their turn on the
loop instead of each running in a thread of its own; a request still sending its body holds no turn.

The site's own handler (the one daphne serves, lms_site.asgi) driven by ASGI messages, with a view
that counts how many requests are inside it at once."""

import asyncio
import threading
import time

import pytest
from asgiref.testing import ApplicationCommunicator
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


urlpatterns = [path("busy/", busy), path("", include("lms_site.urls"))]  # the middleware names admin URLs


def scope(method: str = "GET") -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": "/busy/",
        "raw_path": b"/busy/",
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
