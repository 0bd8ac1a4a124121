"""`manage.py lms_health`: an operator's (or cron's) one-line answer per check, exit 1 when unwell."""

import subprocess

import pytest
from django.db import connection

from lms_site.testing.servers import WorkerServer, database_url, eventually, manage
from notifications.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def lms_health(redis_url: str) -> subprocess.CompletedProcess:
    env = {"DATABASE_URL": database_url(connection.settings_dict), "REDIS_URL": redis_url, "DEBUG": "1"}
    return manage("lms_health", **env)


def test_healthy_with_a_worker_running(redis_server):
    worker = WorkerServer(database_url=database_url(connection.settings_dict)).start()
    try:
        eventually(lambda: WorkerHeartbeat.objects.exists(), timeout=10)
        result = lms_health(redis_server.url)
    finally:
        worker.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK   worker heartbeat: ok" in result.stdout
    assert "OK   channel layer round trip: ok" in result.stdout


def test_no_worker_and_no_redis_exit_1_and_say_why():
    result = lms_health("redis://127.0.0.1:1/0")
    assert result.returncode == 1
    assert "FAIL worker heartbeat: down" in result.stdout
    assert "FAIL redis: down" in result.stdout
    assert "FAIL channel layer round trip: down" in result.stdout
