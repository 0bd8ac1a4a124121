"""The permission matrix of the instructors' admin: alice owns CS101, bob owns MA201."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Announcement, Course, Post, Resource, Subscription, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cs101, ma201, carol, dave):
    return {
        "course": (cs101, ma201),
        "resource": (
            Resource.objects.create(course=cs101, title="Alice notes", body="x"),
            Resource.objects.create(course=ma201, title="Bob notes", body="x"),
        ),
        "announcement": (
            Announcement.objects.create(course=cs101, title="Alice news", body="x"),
            Announcement.objects.create(course=ma201, title="Bob news", body="x"),
        ),
        "subscription": (
            Subscription.objects.create(student=carol, course=cs101),
            Subscription.objects.create(student=dave, course=ma201),
        ),
    }


@pytest.fixture
def threads(world, carol, dave):
    """A thread with a reply in each course, by its own student."""
    mine = services.start_thread(author=carol, course=world["course"][0], title="Alice thread", body="Hi")
    theirs = services.start_thread(author=dave, course=world["course"][1], title="Bob thread", body="Hi")
    services.reply(author=carol, thread=mine, body="A reply")
    services.reply(author=dave, thread=theirs, body="A reply")
    return mine, theirs


MODELS = ["course", "resource", "announcement", "subscription"]


@pytest.mark.parametrize("model", MODELS)
def test_an_instructor_lists_only_their_own_rows(client, alice, world, model):
    client.force_login(alice)
    response = client.get(reverse(f"admin:courses_{model}_changelist"))
    assert response.status_code == 200
    mine, theirs = world[model]
    assert list(response.context["cl"].queryset) == [mine]
    assert str(theirs) not in response.text


@pytest.mark.parametrize("model", ["course", "resource", "announcement"])
@pytest.mark.parametrize("view", ["change", "delete"])
def test_an_instructor_cannot_open_another_instructors_row(client, alice, world, model, view):
    client.force_login(alice)
    _, theirs = world[model]
    response = client.get(reverse(f"admin:courses_{model}_{view}", args=[theirs.pk]))
    # The admin answers a row outside the queryset with a redirect to the index and a message.
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("model", ["course", "resource", "announcement"])
def test_an_instructor_changes_and_deletes_their_own_rows(client, alice, world, model):
    client.force_login(alice)
    mine, _ = world[model]
    assert client.get(reverse(f"admin:courses_{model}_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse(f"admin:courses_{model}_delete", args=[mine.pk])).status_code == 200


def test_an_instructor_cannot_delete_another_instructors_course_by_post(client, alice, world):
    client.force_login(alice)
    _, theirs = world["course"]
    client.post(reverse("admin:courses_course_delete", args=[theirs.pk]), {"post": "yes"})
    assert Course.objects.filter(pk=theirs.pk).exists()


def test_an_instructor_deletes_a_thread_of_their_own_course_with_its_posts(client, alice, threads):
    mine, _ = threads
    client.force_login(alice)
    page = client.get(reverse("admin:courses_thread_delete", args=[mine.pk]))
    assert page.status_code == 200  # was 403: the posts go with the thread
    response = client.post(reverse("admin:courses_thread_delete", args=[mine.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Thread.objects.filter(pk=mine.pk).exists()
    assert not Post.objects.filter(thread_id=mine.pk).exists()


def test_an_instructor_cannot_delete_another_instructors_thread_or_its_posts(client, alice, threads):
    _, theirs = threads
    client.force_login(alice)
    response = client.get(reverse("admin:courses_thread_delete", args=[theirs.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    client.post(reverse("admin:courses_thread_delete", args=[theirs.pk]), {"post": "yes"})
    post = theirs.posts.first()
    client.post(reverse("admin:courses_post_delete", args=[post.pk]), {"post": "yes"})
    assert Thread.objects.filter(pk=theirs.pk).exists()
    assert Post.objects.filter(thread=theirs).count() == 2


def test_an_instructor_deletes_their_own_courses_threads_from_the_list(client, alice, threads):
    mine, theirs = threads
    client.force_login(alice)
    client.post(
        reverse("admin:courses_thread_changelist"),
        {"action": "delete_selected", "_selected_action": [mine.pk, theirs.pk], "post": "yes"},
    )
    assert list(Thread.objects.all()) == [theirs]  # the other course's thread was never in the list


def test_an_instructor_sees_subscribers_names_but_cannot_change_subscriptions(client, alice, world):
    client.force_login(alice)
    mine, _ = world["subscription"]
    response = client.get(reverse("admin:courses_subscription_change", args=[mine.pk]))
    assert response.status_code == 200
    assert "Carol Chen" in response.text
    assert "carol@example.edu" not in response.text
    assert client.get(reverse("admin:courses_subscription_delete", args=[mine.pk])).status_code == 403


def test_a_new_course_is_always_the_instructors_own(client, alice, bob):
    client.force_login(alice)
    client.post(
        reverse("admin:courses_course_add"),
        {
            "code": "CS150",
            "title": "Web",
            "description": "",
            "is_published": "on",
            "instructor": bob.pk,  # ignored: the field is not offered to instructors
            **inline_management_forms(),
        },
    )
    assert Course.objects.get(code="CS150").instructor == alice


def test_an_instructor_cannot_add_a_resource_to_another_instructors_course(client, alice, world):
    client.force_login(alice)
    _, theirs = world["course"]
    response = client.post(reverse("admin:courses_resource_add"), {"course": theirs.pk, "title": "Sneaky", "body": "x"})
    assert response.status_code == 200  # the form comes back with an error
    assert not Resource.objects.filter(title="Sneaky").exists()


def test_an_instructor_cannot_post_a_site_wide_announcement(client, alice):
    client.force_login(alice)
    client.post(reverse("admin:courses_announcement_add"), {"title": "Hello world", "body": "x"})
    assert not Announcement.objects.filter(title="Hello world").exists()


@pytest.mark.parametrize("who", ["carol", "dave"])
def test_students_cannot_use_the_admin(client, request, world, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("admin:courses_course_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_anonymous_visitors_are_sent_to_the_admin_log_in(client, world):
    response = client.get(reverse("admin:courses_course_changelist"))
    assert response.status_code == 302


@pytest.mark.parametrize("model", MODELS)
def test_a_site_admin_sees_every_row(client, root, world, model):
    client.force_login(root)
    response = client.get(reverse(f"admin:courses_{model}_changelist"))
    assert set(response.context["cl"].queryset) == set(world[model])


def test_the_admin_carries_the_product_name(client, settings, alice):
    client.force_login(alice)
    assert settings.SITE_NAME in client.get(reverse("admin:index")).text


def inline_management_forms() -> dict:
    data = {}
    for prefix in ("resources", "announcements", "subscriptions"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data
