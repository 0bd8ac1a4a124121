"""Member-only files at scale, through `make cluster`'s nginx (deploy/nginx/lms.conf): the view checks
who may read and answers X-Accel-Redirect (SEND_FILES_WITH_NGINX, courses/files.py); nginx sends the
bytes and the byte ranges, so a long download never holds a daphne process."""

import http.client
import os
import shutil
import socket
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse

from courses import services
from deploy.cluster import Cluster
from lms_site.testing import content as w
from lms_site.testing.servers import BASE_DIR, database_url, free_port, session_cookie

pytestmark = pytest.mark.usefixtures("transactional_db")

#: Larger than the loopback socket buffers on both sides, so a reader that stops reading leaves
#: the download in progress.
BIG = 48 * 1024 * 1024
SANDBOX = "sandbox; default-src 'none'"


@pytest.fixture(scope="module")
def files_cluster(django_db_setup, django_db_blocker, redis_server):
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed: run `make test`, which installs it (apt-get install -y nginx).")
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    # nginx's workers run as an unprivileged user: the files live where they may read them (the
    # cluster's own folder under .run/, not a private temporary folder).
    port = free_port()
    prefix = BASE_DIR / ".run" / f"cluster-{port}"
    media_root = prefix / "media"
    media_root.mkdir(parents=True)
    cluster = Cluster(
        database_url=url, redis_url=redis_server.url, port=port, daphnes=2, worker=False, media_root=media_root
    )
    cluster.start(prepare=False)  # the test database is migrated already
    yield cluster
    cluster.stop()
    shutil.rmtree(prefix, ignore_errors=True)


@pytest.fixture
def media(settings, files_cluster):
    """The test process stores uploads where the cluster's nginx and daphne processes read them."""
    settings.MEDIA_ROOT = files_cluster.media_root


def get(cluster, path: str, cookie: str = "", **headers) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=30)
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def video_lesson(course, data: bytes, name: str = "lecture.mp4"):
    return w.lesson(w.module(course), "Lecture", kind="video", video=ContentFile(data, name=name))


def open_files(pid: int) -> set[str]:
    """The paths process `pid` holds open (its /proc fd links)."""
    folder = Path(f"/proc/{pid}/fd")
    paths = set()
    for fd in folder.iterdir():
        try:
            paths.add(os.readlink(fd))
        except OSError:  # closed meanwhile
            continue
    return paths


def nginx_workers(cluster) -> list[int]:
    master = cluster.nginx.process.pid
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def test_a_member_gets_a_byte_range_of_a_video_from_nginx_and_a_non_member_a_404(
    files_cluster, media, cs101, carol, carol_in_cs101, dave
):
    data = bytes(range(256)) * 4096  # 1 MiB
    item = video_lesson(cs101, data)
    path = reverse("courses:lesson_media", args=["CS101", item.pk])

    response, body = get(files_cluster, path, session_cookie(carol), Range="bytes=1000-1999")
    assert response.status == 206, body[:3000]
    assert response.getheader("Content-Range") == f"bytes 1000-1999/{len(data)}"
    assert body == data[1000:2000]
    # The view's headers that nginx keeps, and the ones lms.conf's internal location sets again.
    assert response.getheader("Content-Type") == "video/mp4"
    assert response.getheader("Content-Disposition").startswith("inline")
    assert "private" in response.getheader("Cache-Control")
    assert response.getheader("Content-Security-Policy") == SANDBOX
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    # Sent by nginx's static module, not streamed by daphne: nginx's ETag and Last-Modified (the
    # app's ranged responses have neither), and none of the headers Django's middleware sets on
    # every answer of its own (X-Frame-Options, Referrer-Policy), which a proxied page does carry.
    assert response.getheader("ETag") and response.getheader("Last-Modified")
    assert response.getheader("X-Frame-Options") is None and response.getheader("Referrer-Policy") is None
    page, _ = get(files_cluster, reverse("courses:lesson", args=["CS101", item.pk]), session_cookie(carol))
    assert page.status == 200 and page.getheader("X-Frame-Options") == "DENY"

    outsider, body = get(files_cluster, path, session_cookie(dave), Range="bytes=1000-1999")
    assert outsider.status == 404 and data[1000:2000] not in body
    # Nor is the file reachable on nginx's internal location from outside.
    assert get(files_cluster, "/media/" + item.video.name, session_cookie(carol))[0].status == 404


def test_an_uploaded_html_file_stays_a_sandboxed_download_through_nginx(
    files_cluster, media, cs101, carol, carol_in_cs101
):
    resource = services.add_resource(
        course=cs101, title="Page", file=ContentFile(b"<script>alert(1)</script>", name="page.html")
    )
    response, body = get(files_cluster, reverse("courses:resource", args=["CS101", resource.pk]), session_cookie(carol))
    assert response.status == 200 and body == b"<script>alert(1)</script>"
    assert response.getheader("Content-Type") == "application/octet-stream"
    assert response.getheader("Content-Disposition").startswith("attachment")
    assert response.getheader("Content-Security-Policy") == SANDBOX
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("ETag")  # nginx sent it


def test_daphne_is_free_while_nginx_sends_a_large_download(files_cluster, media, cs101, carol, carol_in_cs101):
    data = os.urandom(1024 * 1024) * (BIG // (1024 * 1024))
    item = video_lesson(cs101, data, name="long-lecture.mp4")
    stored = str(Path(files_cluster.media_root, item.video.name))
    path = reverse("courses:lesson_media", args=["CS101", item.pk])

    # A slow client: a small receive buffer, and it stops reading after the first bytes.
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
    slow.settimeout(30)
    slow.connect(("127.0.0.1", files_cluster.port))
    slow.sendall(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{files_cluster.port}\r\n"
        f"Cookie: sessionid={session_cookie(carol)}\r\nConnection: close\r\n\r\n".encode()
    )
    received = slow.recv(64 * 1024)
    head, _, first_bytes = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head

    def nginx_is_sending() -> bool:
        return any(stored in open_files(pid) for pid in nginx_workers(files_cluster))

    try:
        # The download is under way: nginx holds the file open, no daphne process does, and each
        # daphne process answers other requests meanwhile.
        assert nginx_is_sending()
        for server in files_cluster.daphnes:
            assert stored not in open_files(server.process.pid)
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            conn.request("GET", "/healthz")
            assert conn.getresponse().status in (200, 503)  # answered (this cluster runs no worker)
            conn.close()
        response, _ = get(files_cluster, reverse("courses:detail", args=["CS101"]), session_cookie(carol))
        assert response.status == 200
        # ... all while the download was still in progress: it completes after them.
        assert nginx_is_sending()
        rest = bytearray(first_bytes)
        while chunk := slow.recv(1024 * 1024):
            rest += chunk
    finally:
        slow.close()
    assert bytes(rest) == data
