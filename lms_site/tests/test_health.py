"""/healthz: what nginx and the supervisor ask before sending traffic to a process."""

import json
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from lms_site.testing.servers import RedisServer, free_port
from notifications.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_it_reports_the_database_and_the_channel_layer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["channel_layer"] == "ok"  # the session's own Redis (conftest)
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)  # the checks read from threads of their own
def test_a_daphne_reports_the_workers_heartbeat(daphne, settings):
    """Through a real daphne (the view reads the heartbeat in a thread of its own, so the row must
    be committed): ok while a worker ticks, degraded, not down, once it has been silent."""
    heartbeat = WorkerHeartbeat.objects.create(worker_id="test", seen_at=timezone.now())
    status, body = healthz(daphne)
    assert status == 200 and (body["status"], body["worker"]) == ("ok", "ok")
    heartbeat.seen_at = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS + 1)
    heartbeat.save()
    status, body = healthz(daphne)
    assert status == 200 and (body["status"], body["worker"]) == ("degraded", "down")


def healthz(server) -> tuple[int, dict]:
    with urllib.request.urlopen(server.url + "/healthz", timeout=10) as response:  # noqa: S310  (the test's)
        return response.status, json.loads(response.read())


def test_without_redis_the_process_is_degraded_not_down(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["channel_layer"] == "down"
    assert response.json()["ms"] < 1500


def test_a_redis_that_accepts_but_never_answers_is_bounded(client, settings):
    redis = RedisServer().start()
    try:
        redis.process.send_signal(19)  # SIGSTOP: connections are accepted by the kernel, never answered
        settings.REDIS_URL = redis.url
        response = client.get("/healthz")
        assert response.json()["channel_layer"] == "down"
        assert response.json()["ms"] < 1500
    finally:
        redis.process.send_signal(18)  # SIGCONT, so it can be stopped
        redis.stop()


def test_the_in_process_layer_is_reported_as_such(client, settings):
    settings.REDIS_URL = ""
    assert client.get("/healthz").json()["channel_layer"] == "in-process"


def test_a_database_that_does_not_answer_is_503(client, monkeypatch):
    from lms_site import health

    def broken():
        raise OSError("connection refused")

    monkeypatch.setattr(health, "_database_ok", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "down"


def test_only_safe_methods(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def test_a_plain_http_probe_is_answered_even_where_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/courses/").status_code == 301  # everything else still goes to HTTPS
