"""Operators: broadcast a site-wide announcement, prune old events, and `check` reports an
unreachable Redis."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from courses import services
from lms_site.testing.events import newest_id
from lms_site.testing.servers import free_port
from lms_site.testing.sockets import SocketClient
from notifications.models import Event


@pytest.mark.usefixtures("transactional_db")
def test_broadcast_reaches_every_open_socket(daphne, carol, dave):
    start = newest_id()
    sockets = [SocketClient.of(daphne, user, after=start) for user in (carol, dave)]
    for socket in sockets:
        socket.until_heartbeat()
    out = StringIO()
    call_command("broadcast", "Maintenance on Sunday\nThe site is down 2-3am.", stdout=out)
    event = Event.objects.get(id__gt=start)
    assert (event.kind, event.topic, event.payload["title"]) == (
        "announcement",
        "system_events",
        "Maintenance on Sunday",
    )
    assert "Maintenance on Sunday" in out.getvalue()
    for socket in sockets:
        assert socket.until_event(event.pk)["data"]["summary"].startswith("Maintenance on Sunday")
        socket.close()


@pytest.mark.django_db
def test_broadcast_refuses_an_empty_text():
    with pytest.raises(CommandError):
        call_command("broadcast", "   ")
    assert not Event.objects.filter(topic="system_events").exists()


@pytest.mark.django_db
def test_prune_deletes_old_events_in_batches_and_keeps_the_rest(cs101):
    for n in range(5):
        services.add_resource(course=cs101, title=f"Old {n}", body="Text")
    Event.objects.update(created_at=timezone.now() - timedelta(days=100))
    services.add_resource(course=cs101, title="Fresh", body="Text")
    fresh = set(Event.objects.filter(created_at__gt=timezone.now() - timedelta(days=1)).values_list("id", flat=True))
    old_count = Event.objects.count() - len(fresh)

    out = StringIO()
    call_command("prune_events", "--older-than", "90d", "--batch-size", "4", stdout=out)
    assert set(Event.objects.values_list("id", flat=True)) == fresh
    batches = -(-old_count // 4)
    assert f"Deleted {old_count} events" in out.getvalue()
    assert f"in {batches} batches; {len(fresh)} remain." in out.getvalue()


@pytest.mark.django_db
def test_prune_rejects_an_age_without_a_unit():
    with pytest.raises(CommandError, match="90d"):
        call_command("prune_events", "--older-than", "90")


@pytest.mark.django_db
def test_check_reports_an_unreachable_redis(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    err = StringIO()
    call_command("check", stderr=err, stdout=StringIO())
    assert "notifications.W001" in err.getvalue()


@pytest.mark.django_db
def test_check_is_quiet_when_redis_answers(redis_server, settings):
    settings.REDIS_URL = redis_server.url
    err = StringIO()
    call_command("check", stderr=err, stdout=StringIO())
    assert "notifications.W001" not in err.getvalue()
