"""Mail through a real worker process to a real SMTP server (aiosmtpd): who receives what, links,
one-click unsubscribe, retries while the server is down, dead addresses, coalescing of a burst,
and exactly once across a worker killed in the middle (docs/architecture.md, "Mail and push")."""

import re
import urllib.request
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Max, Min

from courses import services
from courses.models import Subscription
from lms_site.testing.admin import AdminSession
from lms_site.testing.mail import SmtpSink
from lms_site.testing.servers import WorkerServer, database_url, eventually
from notifications.delivery import preferences
from notifications.delivery.models import Delivery, EmailMode
from notifications.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def start_worker(smtp):
    """Starts a worker sending to `smtp`; every one started is stopped when the test ends, however it
    ends (a failed wait, pytest-timeout): a worker left running would take the next tests' tasks."""
    started = []

    def start(**env) -> WorkerServer:
        settings_env = {
            **smtp.env,
            "MAIL_COALESCE_SECONDS": "3",
            "DELIVERY_RETRY_BASE_SECONDS": "1",
            "DELIVERY_RETRY_MAX_SECONDS": "2",
            "DELIVERY_CLAIM_TIMEOUT_SECONDS": "2",
            "SITE_URL": env.pop("SITE_URL", "http://lms.example.edu"),
            **env,
        }
        server = WorkerServer(database_url=database_url(connection.settings_dict), extra_env=settings_env)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def mail_worker(start_worker):
    return start_worker()


def student(django_user_model, name, course):
    user = django_user_model.objects.create_user(username=name, email=f"{name}@example.edu", password="x" * 12)
    Subscription.objects.create(student=user, course=course)
    return user


def choose(user, kind, email, push=False):
    preferences.save_preferences(user=user, choices={kind: (email, push)})


def test_an_announcement_from_the_admin_reaches_who_chose_immediately(
    daphne, smtp, mail_worker, alice, cs101, django_user_model
):
    student(django_user_model, "eager", cs101)  # the default for announcements: at once
    daily = student(django_user_model, "daily", cs101)
    choose(daily, Event.Kind.ANNOUNCEMENT, EmailMode.DAILY)
    silent = student(django_user_model, "silent", cs101)
    choose(silent, Event.Kind.ANNOUNCEMENT, EmailMode.OFF)
    muted = student(django_user_model, "muted", cs101)
    preferences.save_preferences(user=muted, choices={}, muted_course_ids=[cs101.pk])

    admin = AdminSession.of(daphne, alice)
    status = admin.post(
        "/admin/courses/announcement/add/",
        {"course": cs101.pk, "title": "Exam moved", "body": "To **Friday**.", "_save": "Save"},
    )
    assert status == 302

    [mail] = eventually(lambda: smtp.to("eager@example.edu"), timeout=15)
    assert mail["Subject"] == "Exam moved (CS101)"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "To **Friday**." in text and "Exam moved" in html
    # Nothing else for anyone else, the author included.
    assert [m["To"] for m in smtp.messages] == ["eager@example.edu"]
    assert Delivery.objects.get(user=daily).mode == Delivery.Mode.DAILY
    assert not Delivery.objects.filter(event__kind=Event.Kind.ANNOUNCEMENT, user__in=[silent, muted, alice]).exists()

    # Its links work: the course page (after log-in) and the unsubscribe page without one.
    links = re.findall(r"http://lms\.example\.edu(/[^\s]*)", text)
    course_link = next(link for link in links if link.startswith("/courses/CS101/"))
    assert course_link.startswith(cs101.get_absolute_url())
    unsubscribe = next(link for link in links if "/unsubscribe/" in link)
    assert mail["List-Unsubscribe"] == f"<http://lms.example.edu{unsubscribe}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with urllib.request.urlopen(daphne.url + unsubscribe) as page:  # noqa: S310  (the test's server)
        assert page.status == 200 and "Stop these mails?" in page.read().decode()


def test_one_click_unsubscribe_works_without_logging_in(daphne, smtp, mail_worker, alice, cs101, django_user_model):
    eager = student(django_user_model, "eager", cs101)
    services.post_announcement(course=cs101, title="First", body="One", author=alice)
    [mail] = eventually(lambda: smtp.to("eager@example.edu"), timeout=15)
    url = mail["List-Unsubscribe"].strip("<>").replace("http://lms.example.edu", daphne.url)
    # RFC 8058: the mail client POSTs this body, with no cookie and no CSRF token.
    request = urllib.request.Request(url, data=b"List-Unsubscribe=One-Click", method="POST")  # noqa: S310
    with urllib.request.urlopen(request) as response:  # noqa: S310
        assert response.status == 200
    assert preferences.choices_for([eager.pk])[eager.pk][Event.Kind.ANNOUNCEMENT].email == EmailMode.OFF
    services.post_announcement(course=cs101, title="Second", body="Two", author=alice)
    eventually(lambda: Delivery.objects.filter(event__payload__title="Second").exists() or True)
    assert Delivery.objects.filter(user=eager, event__payload__title="Second").count() == 0


def test_a_forged_unsubscribe_link_is_404(client):
    assert client.get("/notifications/unsubscribe/not-a-token/").status_code == 404
    assert client.post("/notifications/unsubscribe/not-a-token/").status_code == 404


def test_mail_server_down_retries_with_backoff_then_all_arrive(alice, cs101, django_user_model, smtp, start_worker):
    readers = [student(django_user_model, f"reader{n}", cs101) for n in range(3)]
    smtp.stop()
    worker = start_worker()
    try:
        services.post_announcement(course=cs101, title="While down", body="Text", author=alice)
        eventually(
            lambda: Delivery.objects.filter(state=Delivery.State.FAILED, attempts__gte=1).count() == 3, timeout=15
        )
        failed = Delivery.objects.filter(user__in=readers).first()
        assert "Connection refused" in failed.last_error or "Errno" in failed.last_error
        smtp.start()
        eventually(lambda: len(smtp.messages) == 3, timeout=20)
        assert Delivery.objects.filter(user__in=readers, state=Delivery.State.SENT).count() == 3
    finally:
        worker.stop()
    assert sorted(m["To"] for m in smtp.messages) == [f"reader{n}@example.edu" for n in range(3)]


def test_a_refused_address_ends_dead_and_the_others_still_arrive(alice, cs101, django_user_model, smtp, mail_worker):
    good = student(django_user_model, "good", cs101)
    bad = student(django_user_model, "bad", cs101)
    smtp.refused.add("bad@example.edu")
    services.post_announcement(course=cs101, title="Hello", body="Text", author=alice)
    eventually(lambda: smtp.to("good@example.edu"), timeout=15)
    dead = eventually(lambda: Delivery.objects.filter(user=bad, state=Delivery.State.DEAD).first(), timeout=15)
    assert "550" in dead.last_error
    assert Delivery.objects.get(user=good).state == Delivery.State.SENT


def test_a_dead_delivery_is_retried_from_the_admin(alice, cs101, django_user_model, smtp, mail_worker, root, client):
    bad = student(django_user_model, "bad", cs101)
    smtp.refused.add("bad@example.edu")
    services.post_announcement(course=cs101, title="Hello", body="Text", author=alice)
    dead = eventually(lambda: Delivery.objects.filter(user=bad, state=Delivery.State.DEAD).first(), timeout=15)
    smtp.refused.clear()
    client.force_login(root)
    response = client.post(
        "/admin/notifications/delivery/", {"action": "retry", "_selected_action": [dead.pk], "index": 0}
    )
    assert response.status_code == 302
    eventually(lambda: smtp.to("bad@example.edu"), timeout=15)
    eventually(lambda: Delivery.objects.get(pk=dead.pk).state == Delivery.State.SENT)


def test_an_instructor_cannot_see_or_retry_deliveries(alice, client):
    client.force_login(alice)
    assert client.get("/admin/notifications/delivery/").status_code == 403


@pytest.mark.long
@pytest.mark.timeout(600)
def test_a_burst_becomes_at_most_two_mails_per_person(alice, cs101, django_user_model, smtp, start_worker):
    """20 resources within a minute to a course of 1,000 subscribers who chose "immediately"."""
    django_user_model.objects.bulk_create(
        [django_user_model(username=f"b{n}", email=f"b{n}@example.edu", password="x") for n in range(1000)]
    )
    readers = list(django_user_model.objects.filter(username__startswith="b"))
    Subscription.objects.bulk_create([Subscription(student=reader, course=cs101) for reader in readers])
    preferences.save_preferences(user=readers[0], choices={})  # defaults: new resources come daily...
    from notifications.delivery.models import SitePreference

    # ...so the site makes them immediate for everyone, as an administrator would.
    SitePreference.objects.create(kind=Event.Kind.NEW_RESOURCE, email=EmailMode.IMMEDIATELY, push=False)
    worker = start_worker(MAIL_COALESCE_SECONDS="20")
    try:
        for n in range(20):
            services.add_resource(course=cs101, title=f"Handout {n}", url=f"https://example.edu/{n}", by=alice)
        expected = 1000 * 20
        to_readers = Delivery.objects.filter(event__kind=Event.Kind.NEW_RESOURCE, user__in=readers)
        try:
            sent = to_readers.filter(state=Delivery.State.SENT)
            eventually(lambda: sent.count() == expected, timeout=480, interval=1)
        except AssertionError:
            states = Counter(to_readers.values_list("state", flat=True))
            raise AssertionError(f"{states}; {len(smtp.messages)} mails; worker log:\n{worker.log()[-3000:]}") from None
    finally:
        worker.stop()
    mails = smtp.messages  # parsed once: thousands of them
    per_person = Counter(m["To"] for m in mails if m["To"].startswith("b"))
    assert len(per_person) == 1000
    # The first at once, then one for each 20 s window the burst reaches into, as the worker sees
    # it: from the first event planned to the last. Two when the worker plans the 20 resources
    # within 20 s, as on a quiet machine; one busy enough to stretch them over more windows owes a
    # mail for each.
    planned = to_readers.aggregate(first=Min("created_at"), last=Max("created_at"))
    burst = (planned["last"] - planned["first"]).total_seconds()
    assert max(per_person.values()) <= 2 + int(burst // 20), (burst, per_person.most_common(3))
    assert any(m["Subject"].endswith("new in CS101") for m in mails)


@pytest.mark.timeout(180)
def test_a_worker_killed_in_the_middle_sends_every_mail_once(alice, cs101, django_user_model, smtp, start_worker):
    readers = [django_user_model(username=f"r{n}", email=f"r{n}@example.edu", password="x") for n in range(500)]
    django_user_model.objects.bulk_create(readers)
    readers = list(django_user_model.objects.filter(username__startswith="r").exclude(username="root"))
    Subscription.objects.bulk_create([Subscription(student=reader, course=cs101) for reader in readers])
    worker = start_worker()
    services.post_announcement(course=cs101, title="To all", body="Text", author=alice)
    eventually(lambda: len(smtp.messages) >= 100, timeout=60, interval=0.01)
    worker.kill()
    assert len(smtp.messages) < 500, "the worker finished before it was killed: nothing was tested"
    worker = start_worker()
    try:
        eventually(lambda: Delivery.objects.filter(state=Delivery.State.SENT).count() == 500, timeout=120)
    finally:
        worker.stop()
    ids = smtp.message_ids()
    delivered = {m["To"] for m in smtp.messages}
    assert delivered == {reader.email for reader in readers}
    # Each recipient's mail carries its delivery's key: sent again only if the kill fell between
    # the server's "accepted" and the commit, and then with the same Message-ID.
    assert len(set(ids)) == 500
    assert len(ids) - len(set(ids)) <= 1, f"{len(ids) - len(set(ids))} mails went twice"
