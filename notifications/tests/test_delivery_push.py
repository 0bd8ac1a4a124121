"""Web Push through a real worker to a local push service: the subscription made as a browser
makes it (a P-256 key pair and an auth secret), the payload decrypted as the browser would
(RFC 8291, aes128gcm), a VAPID signature from the site's key, and a device that is gone (410)
removed."""

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection

from courses import services
from lms_site.testing.mail import SmtpSink
from lms_site.testing.servers import WorkerServer, database_url, eventually
from notifications.delivery.models import Delivery, PushSubscription
from notifications.management.commands.generate_vapid_keys import generate

pytestmark = pytest.mark.django_db(transaction=True)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PushService:
    """A push service on 127.0.0.1: records each POST, answers `status`."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.status = 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                service.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(service.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def endpoint(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/push/{name}"

    def close(self):
        self.server.shutdown()


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.close()


@pytest.fixture
def vapid():
    return generate()


@pytest.fixture
def push_worker(vapid):
    private, public = vapid
    sink = SmtpSink().start()
    env = {**sink.env, "VAPID_PRIVATE_KEY": private, "VAPID_PUBLIC_KEY": public, "PUSH_HTTP_HOSTS": "127.0.0.1"}
    worker = WorkerServer(database_url=database_url(connection.settings_dict), extra_env=env).start()
    yield worker
    worker.stop()
    sink.stop()


def browser_keys():
    """What a browser's PushManager.subscribe() makes: a P-256 key pair and a 16-byte auth secret."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return key, os.urandom(16), b64url(public)


def subscribe(client, endpoint, p256dh, auth):
    body = json.dumps({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}})
    return client.post("/notifications/push/subscribe/", body, content_type="application/json")


def test_an_announcement_is_pushed_encrypted_to_each_device(
    client, settings, carol, carol_in_cs101, alice, cs101, push_service, push_worker, vapid
):
    settings.PUSH_HTTP_HOSTS = ["127.0.0.1"]
    client.force_login(carol)
    key, auth, p256dh = browser_keys()
    assert subscribe(client, push_service.endpoint("phone"), p256dh, b64url(auth)).status_code == 201
    assert subscribe(client, push_service.endpoint("phone"), p256dh, b64url(auth)).status_code == 201  # one row
    assert PushSubscription.objects.filter(user=carol).count() == 1

    services.post_announcement(course=cs101, title="Room change", body="Now in **B12**.", author=alice)
    headers, body = eventually(lambda: push_service.received, timeout=15)[0]
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=") and f"k={vapid[1]}" in headers["authorization"]
    payload = json.loads(http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm"))
    assert payload["title"] == "Room change"
    assert payload["body"] == "Now in **B12**."
    assert payload["url"].startswith("http://127.0.0.1:8000/courses/CS101/#announcement-")
    eventually(lambda: Delivery.objects.filter(user=carol, channel="push", state=Delivery.State.SENT).exists())


def test_a_device_that_is_gone_is_removed(
    client, settings, carol, carol_in_cs101, alice, cs101, push_service, push_worker
):
    settings.PUSH_HTTP_HOSTS = ["127.0.0.1"]
    client.force_login(carol)
    _, auth, p256dh = browser_keys()
    subscribe(client, push_service.endpoint("old-laptop"), p256dh, b64url(auth))
    push_service.status = 410
    services.post_announcement(course=cs101, title="Hello", body="Text", author=alice)
    eventually(lambda: not PushSubscription.objects.filter(user=carol).exists(), timeout=15)
    assert len(push_service.received) == 1


def test_bad_subscriptions_are_refused_with_a_reason(client, carol, settings):
    settings.PUSH_HTTP_HOSTS = []
    client.force_login(carol)
    assert subscribe(client, "http://127.0.0.1:9/push", "a", "b").status_code == 400  # not https
    response = client.post("/notifications/push/subscribe/", "not json", content_type="application/json")
    assert response.status_code == 400 and "endpoint" in response.json()["detail"]
    assert subscribe(client, "https://push.example.net/x", "", "b").status_code == 400
    assert not PushSubscription.objects.exists()


def test_anonymous_cannot_subscribe(client):
    response = subscribe(client, "https://push.example.net/x", "a", "b")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
