"""Invitations by email link: an instructor invites an address from the admin (own courses only),
the real worker mails the signed link through a real SMTP server (never the request), and the link
enrols the account of that address once, until it expires."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Invitation, Subscription, WaitlistEntry
from lms_site.testing.mail import SmtpSink
from lms_site.testing.servers import WorkerServer, database_url, eventually


@pytest.fixture
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def link_path(invitation) -> str:
    return reverse("courses:invitation", args=[services.invitation_token(invitation)])


@pytest.mark.django_db(transaction=True)
def test_an_invitation_from_the_admin_is_mailed_by_the_worker_and_enrols_its_address(client, alice, dave, cs101, smtp):
    cs101.set_enrolment_key("a key dave does not know")
    cs101.enrolment_closes_at = timezone.now() - datetime.timedelta(days=1)
    services.save_course(course=cs101, by=alice)
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_invitation_add"), {"course": cs101.pk, "email": "Dave@Example.edu", "_save": "Save"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.invited_by, invitation.mailed_at) == (alice, None)  # the request sent nothing
    assert smtp.messages == []

    worker = WorkerServer(
        database_url=database_url(connection.settings_dict),
        extra_env={**smtp.env, "SITE_URL": "http://lms.example.edu"},
    ).start()
    try:
        mail = eventually(lambda: smtp.to("Dave@Example.edu"), timeout=30)[0]
    finally:
        worker.stop()
    assert mail["Subject"] == "You are invited to CS101: Introduction to Programming"
    text = mail.get_body(("plain",)).get_content()
    url = re.search(r"http://lms\.example\.edu(/invitations/\S+/)", text).group(1)
    assert Invitation.objects.get().mailed_at is not None

    # The link, opened by the invited account: a page with a button (a mail scanner's GET enrols
    # nobody), then enrolled though the course has a key and enrolment has closed.
    client.force_login(dave)
    page = client.get(url)
    assert page.status_code == 200 and "Accept and enrol" in page.text
    assert not Subscription.objects.filter(student=dave).exists()
    assert client.post(url).status_code == 302
    subscription = Subscription.objects.get(student=dave, course=cs101)
    assert subscription.source == Subscription.Source.INVITATION
    assert Invitation.objects.get().accepted_by == dave


def retrying_worker(smtp) -> WorkerServer:
    fast = {"DELIVERY_RETRY_BASE_SECONDS": "1", "DELIVERY_RETRY_MAX_SECONDS": "2", "DELIVERY_MAX_ATTEMPTS": "20"}
    return WorkerServer(database_url=database_url(connection.settings_dict), extra_env={**smtp.env, **fast}).start()


@pytest.mark.django_db(transaction=True)
def test_an_invitation_mailed_while_the_mail_server_is_down_arrives_once_it_is_back(alice, cs101, smtp):
    smtp.stop()
    worker = retrying_worker(smtp)
    try:
        invitation = services.invite(course=cs101, email="dave@example.edu", by=alice)
        eventually(lambda: Invitation.objects.get(pk=invitation.pk).mail_attempts >= 2, timeout=20)
        assert Invitation.objects.get(pk=invitation.pk).mailed_at is None
        smtp.start()
        eventually(lambda: smtp.to("dave@example.edu"), timeout=20)
    finally:
        worker.stop()
    assert len(smtp.messages) == 1
    assert Invitation.objects.get(pk=invitation.pk).mailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_refused_invitation_address_is_not_tried_again(alice, cs101, smtp):
    smtp.refused.add("nobody@example.edu")
    worker = retrying_worker(smtp)
    try:
        invitation = services.invite(course=cs101, email="nobody@example.edu", by=alice)
        eventually(lambda: Invitation.objects.get(pk=invitation.pk).mail_attempts == 1, timeout=20)
        services.invite(course=cs101, email="dave@example.edu", by=alice)  # after it in the queue
        eventually(lambda: smtp.to("dave@example.edu"), timeout=20)
    finally:
        worker.stop()
    refused = Invitation.objects.get(pk=invitation.pk)
    assert (refused.mail_attempts, refused.mailed_at, refused.mail_due_at) == (1, None, None)


@pytest.mark.django_db
class TestTheLink:
    @pytest.fixture
    def invitation(self, cs101, alice, dave):
        return services.invite(course=cs101, email="dave@example.edu", by=alice)

    def test_it_works_once(self, client, invitation, dave, cs101):
        client.force_login(dave)
        assert client.post(link_path(invitation)).status_code == 302
        services.unsubscribe(user=dave, course=cs101)
        reused = client.post(link_path(invitation))
        assert reused.status_code == 410 and "already been used" in reused.text
        assert not Subscription.objects.filter(student=dave).exists()

    def test_an_expired_one_enrols_nobody(self, client, invitation, dave):
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        client.force_login(dave)
        assert "has expired" in client.get(link_path(invitation)).text
        response = client.post(link_path(invitation))
        assert response.status_code == 410 and "has expired" in response.text
        assert not Subscription.objects.exists()

    def test_another_account_cannot_use_it(self, client, invitation, carol):
        client.force_login(carol)
        response = client.post(link_path(invitation))
        assert response.status_code == 403 and "sent to another address" in response.text
        assert not Subscription.objects.exists()
        assert Invitation.objects.get().accepted_at is None  # still there for dave

    def test_a_forged_or_mangled_link_is_404(self, client, invitation, dave):
        client.force_login(dave)
        forged = reverse("courses:invitation", args=["eyJpIjoxfQ:1tTamper:abc"])
        assert client.get(forged).status_code == 404
        assert client.post(link_path(invitation)[:-3] + "x/").status_code == 404

    def test_it_asks_an_anonymous_visitor_to_log_in(self, client, invitation):
        response = client.get(link_path(invitation))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))

    def test_it_puts_the_invited_in_line_when_the_course_is_full(self, client, invitation, cs101, alice, carol, dave):
        cs101.capacity = 1
        services.save_course(course=cs101, by=alice)
        services.subscribe(user=carol, course=cs101)
        client.force_login(dave)
        response = client.post(link_path(invitation), follow=True)
        assert "you are number 1 on the waiting list" in response.text
        assert WaitlistEntry.objects.get().student == dave


@pytest.mark.django_db
class TestAdminScoping:
    def test_an_instructor_invites_only_to_their_own_courses(self, client, alice, cs101, ma201):
        client.force_login(alice)
        page = client.get(reverse("admin:courses_invitation_add"))
        assert "CS101" in page.text and "MA201" not in page.text
        response = client.post(
            reverse("admin:courses_invitation_add"), {"course": ma201.pk, "email": "x@example.edu", "_save": "Save"}
        )
        assert response.status_code == 200 and "Select a valid choice" in response.text
        assert not Invitation.objects.exists()

    def test_the_service_refuses_another_instructors_course(self, alice, ma201):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            services.invite(course=ma201, email="x@example.edu", by=alice)

    def test_an_instructor_lists_and_opens_only_their_own_invitations(self, client, alice, bob, cs101, ma201):
        mine = services.invite(course=cs101, email="a@example.edu", by=alice)
        theirs = services.invite(course=ma201, email="b@example.edu", by=bob)
        client.force_login(alice)
        listing = client.get(reverse("admin:courses_invitation_changelist"))
        assert list(listing.context["cl"].queryset) == [mine]
        assert client.get(reverse("admin:courses_invitation_change", args=[mine.pk])).status_code == 200
        other = client.get(reverse("admin:courses_invitation_change", args=[theirs.pk]))
        assert other.status_code == 302  # the admin's "does not exist" redirect, as for other rows
        assert "b@example.edu" not in client.get(other["Location"]).text

    def test_a_sent_invitation_is_not_changed(self, client, alice, cs101):
        invitation = services.invite(course=cs101, email="a@example.edu", by=alice)
        client.force_login(alice)
        client.post(
            reverse("admin:courses_invitation_change", args=[invitation.pk]),
            {"course": cs101.pk, "email": "changed@example.edu"},
        )
        assert Invitation.objects.get().email == "a@example.edu"

    def test_the_invitation_list_costs_the_same_for_any_number(
        self, client, alice, cs101, django_user_model, django_assert_num_queries
    ):
        client.force_login(alice)
        url = reverse("admin:courses_invitation_changelist")
        services.invite(course=cs101, email="one@example.edu", by=alice)
        client.get(url)
        with django_assert_num_queries(9) as one:
            client.get(url)
        for i in range(20):
            invitation = services.invite(course=cs101, email=f"p{i}@example.edu", by=alice)
            if i % 2:
                student = django_user_model.objects.create_user(username=f"p{i}", email=invitation.email)
                services.accept_invitation(invitation=invitation, user=student)
        with django_assert_num_queries(len(one.captured_queries)):
            client.get(url)
