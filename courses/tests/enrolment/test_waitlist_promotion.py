"""The first in line is told when a seat frees up: live, through their open socket on a real
daphne, and by mail, sent by the real worker through a real SMTP server (the request only
enqueues). Mail goes at once by default (notifications/delivery/preferences.py, WAITLIST_SEAT)."""

import pytest
from django.db import connection

from courses import services
from courses.models import Subscription
from lms_site.testing.mail import SmtpSink
from lms_site.testing.servers import WorkerServer, database_url, eventually
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def test_the_first_in_line_is_told_live_and_by_mail(daphne, smtp, alice, carol, dave, erin, cs101):
    cs101.capacity = 1
    services.save_course(course=cs101, by=alice)
    services.subscribe(user=carol, course=cs101)
    services.subscribe(user=dave, course=cs101)
    services.subscribe(user=erin, course=cs101)
    worker = WorkerServer(
        database_url=database_url(connection.settings_dict),
        extra_env={**smtp.env, "SITE_URL": "http://lms.example.edu"},
    ).start()
    try:
        with SocketClient.of(daphne, dave) as socket, SocketClient.of(daphne, erin) as behind:
            socket.until_heartbeat()
            services.unsubscribe(user=carol, course=cs101)
            told = socket.until(lambda m: m["type"] == "event" and m["kind"] == "subscription")
            assert told["data"]["title"] == "A seat opened: you are enrolled in CS101"
            assert told["html"]  # a feed item, and unread for dave (not his own doing)
            assert dave.pk not in told["not_for"]
            mail = eventually(lambda: smtp.to("dave@example.edu"), timeout=30)[0]
            behind.until_heartbeat()
            assert not [m for m in behind.received if m["kind"] == "subscription"]
    finally:
        worker.stop()
    assert mail["Subject"] == "A seat opened: you are enrolled in CS101 (CS101)"
    assert "http://lms.example.edu/courses/CS101/" in mail.get_body(("plain",)).get_content()
    assert Subscription.objects.get(course=cs101).student == dave
    assert smtp.to("erin@example.edu") == []
