"""The scaled-out shape, for real: nginx (Debian's) in front of two daphne processes sharing Redis.
A student logs in through nginx and receives a live event, raised on one process and delivered by
the other. nginx's configuration is the one docs/deploy.md documents (deploy/nginx/lms.conf)."""

import contextlib
import http.cookiejar
import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from deploy.cluster import Cluster
from lms_site.testing.admin import AdminSession
from lms_site.testing.servers import database_url, eventually
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, redis_server):
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed: run `make test`, which installs it (apt-get install -y nginx).")
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    cluster = Cluster(database_url=url, redis_url=redis_server.url, daphnes=2)
    cluster.start(prepare=False)  # the test database is migrated already
    yield cluster
    cluster.stop()


def log_in(base_url: str, username: str, password: str) -> str:
    """The real log-in form, through nginx; returns the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base_url + "/accounts/login/", timeout=20) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    request = urllib.request.Request(base_url + "/accounts/login/", data=form.encode(), headers={"Referer": base_url})  # noqa: S310
    with opener.open(request, timeout=20) as response:
        assert response.url.endswith("/dashboard/"), response.url
    return next(c.value for c in jar if c.name == "sessionid")


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (http://127.0.0.1)
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def wsconnects(server) -> int:
    return server.log().count("WSCONNECT /ws/activity/")


def test_a_student_behind_nginx_gets_an_event_raised_on_the_other_process(cluster, alice, carol_in_cs101, cs101):
    cookie = log_in(cluster.url, "carol", "pw-carolcarol")
    before = [wsconnects(server) for server in cluster.daphnes]
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(SocketClient(cluster, cookie=cookie)) for _ in range(2)]
        # least_conn gives each process one socket, so whichever process takes the instructor's
        # request, one socket is on the other: delivery crossed processes through Redis.
        eventually(lambda: [wsconnects(s) - b for s, b in zip(cluster.daphnes, before, strict=True)] == [1, 1])
        assert AdminSession.of(cluster, alice).add_resource(cs101.pk, "Through-nginx") == 302
        for socket in sockets:
            message = socket.until(lambda m: m["type"] == "event")
            assert message["data"]["title"] == "Through-nginx"


def test_nginx_serves_health_static_files_and_never_media_from_disk(cluster):
    # The cluster's worker writes its heartbeat every tick (0.5 s); the test database was just
    # emptied, the task rows of the test before with it (the worker outlives that:
    # notifications/tests/test_worker_survives.py). Two suites share the machine's two cores in
    # `make test`: allow for a slow tick.
    def worker_back():
        answer = get(cluster.url + "/healthz")
        return answer if '"worker": "ok"' in answer[1] else None

    try:
        status, body = eventually(worker_back, timeout=30)
    except AssertionError:
        answer = get(cluster.url + "/healthz")
        raise AssertionError(f"/healthz: {answer}; the worker's log:\n{cluster.worker.log()[-3000:]}") from None
    assert status == 200
    expected = {"status": "ok", "database": "ok", "channel_layer": "ok", "worker": "ok"}
    assert json.loads(body) == {**json.loads(body), **expected}, body
    status, css = get(cluster.url + "/static/css/site.css")
    assert status == 200 and css
    assert get(cluster.url + "/media/resources/anything.pdf")[0] == 404
