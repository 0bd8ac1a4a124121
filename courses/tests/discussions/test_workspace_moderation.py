"""Moderation from the course workspace: threads pinned, locked and deleted, posts removed and
deleted, and the student it concerns told on their own topic, once, never the other members."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from courses import services
from courses.models import Post, Thread
from lms_site.testing.events import events_after, newest_id
from notifications.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(cs101, carol, dave, carol_in_cs101, dave_in_cs101):
    thread = services.start_thread(author=carol, course=cs101, title="Loops", body="How?")
    services.reply(author=dave, thread=thread, body="Like this.")
    return thread


def moderation_events(after):
    return [topic for kind, topic in events_after(after) if kind == Event.Kind.MODERATION]


def test_removing_a_post_tells_its_author_only(client, alice, dave, thread):
    reply = thread.posts.get(parent__isnull=False)
    client.force_login(alice)
    after = newest_id()
    url = reverse("admin:courses_course_thread", args=[thread.course.pk, thread.pk])
    assert client.post(url, {"post": reply.pk, "action": "remove"}).status_code == 302
    assert Post.objects.get(pk=reply.pk).is_removed
    assert moderation_events(after) == [f"user:{dave.pk}"]
    told = Event.objects.get(pk__gt=after, kind=Event.Kind.MODERATION)
    assert told.payload["title"] == "Your post in Loops was removed"
    assert "Like this" not in str(told.payload)


def test_deleting_a_reply_tells_its_author_and_deleting_the_opening_post_deletes_the_thread(
    client, alice, carol, dave, thread
):
    client.force_login(alice)
    url = reverse("admin:courses_course_thread", args=[thread.course.pk, thread.pk])
    reply = thread.posts.get(parent__isnull=False)
    after = newest_id()
    client.post(url, {"post": reply.pk, "action": "delete"})
    assert not Post.objects.filter(pk=reply.pk).exists()
    assert moderation_events(after) == [f"user:{dave.pk}"]
    after = newest_id()
    response = client.post(url, {"post": thread.posts.get().pk, "action": "delete"})
    assert response["Location"].endswith("#discussions")
    assert not Thread.objects.filter(pk=thread.pk).exists()
    assert moderation_events(after) == [f"user:{carol.pk}"]


def test_locking_tells_the_threads_author_and_pinning_tells_no_one(client, alice, carol, thread):
    client.force_login(alice)
    url = reverse("admin:courses_course_moderate", args=[thread.course.pk])
    after = newest_id()
    client.post(url, {"thread": thread.pk, "action": "pin"})
    client.post(url, {"thread": thread.pk, "action": "lock"})
    thread.refresh_from_db()
    assert (thread.is_pinned, thread.is_locked) == (True, True)
    assert moderation_events(after) == [f"user:{carol.pk}"]
    after = newest_id()
    client.post(url, {"thread": thread.pk, "action": "unlock"})
    assert moderation_events(after) == []


def test_the_instructors_own_posts_tell_no_one(alice, cs101):
    thread = services.start_thread(author=alice, course=cs101, title="Welcome", body="Hi")
    after = newest_id()
    services.moderate_thread(user=alice, thread=thread, action="lock")
    services.delete_post(user=alice, post=thread.posts.get())
    assert moderation_events(after) == []


def test_only_the_courses_teachers_delete_posts(bob, carol, thread):
    for user in (bob, carol):
        with pytest.raises(PermissionDenied):
            services.delete_post(user=user, post=thread.posts.first())


def test_the_thread_page_of_the_workspace_has_a_pinned_query_count(
    client, alice, carol, thread, django_assert_num_queries
):
    for n in range(5):
        Post.objects.create(thread=thread, author=carol, body=f"more {n}", parent=thread.posts.first())
    client.force_login(alice)
    url = reverse("admin:courses_course_thread", args=[thread.course.pk, thread.pk])
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
