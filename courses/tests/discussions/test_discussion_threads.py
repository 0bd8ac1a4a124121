"""Discussions: threads and threaded replies, their events, the author's edit window, moderation by
the instructor, the per-user rate limit, who may read, and the thread page's query count."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from courses import services
from courses.models import Post, Thread
from lms_site.testing import content as w
from lms_site.testing.events import events_after, newest_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(carol, carol_in_cs101, cs101):
    return services.start_thread(author=carol, course=cs101, title="Loops", body="How do `for` loops work?")


def thread_url(thread):
    return reverse("courses:thread", args=[thread.course.code, thread.pk])


def opening(thread) -> Post:
    return thread.posts.get(parent__isnull=True)


# Events


# Each post also moves its instructor's open analytics (a quiet event on their own topic,
# notifications/live_analytics.py) and the site admins' (a quiet event on the staff topic).
def analytics_of(course) -> list[tuple[str, str]]:
    return [("content_changed", f"user:{course.instructor_id}"), ("content_changed", "staff")]


def test_a_new_thread_is_news_for_the_course(carol, carol_in_cs101, cs101):
    before = newest_id()
    services.start_thread(author=carol, course=cs101, title="Hello", body="Hi all")
    assert events_after(before) == [("discussion_post", "course:CS101"), *analytics_of(cs101)]


def test_a_reply_is_news_for_the_course_and_tells_the_parents_author(alice, carol, thread):
    before = newest_id()
    services.reply(author=alice, thread=thread, body="Like this.")
    assert events_after(before) == [
        ("discussion_post", "course:CS101"),
        ("discussion_post", f"user:{carol.pk}"),
        *analytics_of(thread.course),
    ]


def test_a_reply_to_a_reply_tells_that_replys_author(alice, carol, dave, dave_in_cs101, thread):
    answer = services.reply(author=alice, thread=thread, body="Like this.")
    before = newest_id()
    services.reply(author=dave, thread=thread, body="Thanks!", parent=answer)
    assert events_after(before) == [
        ("discussion_post", "course:CS101"),
        ("discussion_post", f"user:{alice.pk}"),
        *analytics_of(thread.course),
    ]


def test_replying_to_yourself_tells_nobody_personally(carol, thread):
    before = newest_id()
    services.reply(author=carol, thread=thread, body="Never mind, found it.")
    assert events_after(before) == [("discussion_post", "course:CS101"), *analytics_of(thread.course)]


def test_editing_pinning_and_removing_are_not_news(alice, carol, thread):
    before = newest_id()
    services.edit_post(user=carol, post=opening(thread), body="Edited")
    services.moderate_thread(user=alice, thread=thread, action="pin")
    services.remove_post(user=alice, post=opening(thread))
    # Not news for the course; only the removed post's author is told (test_workspace_moderation.py).
    assert events_after(before) == [("moderation", f"user:{carol.pk}")]


# Threading and the page


def test_replies_nest_under_their_parent(client, alice, carol, dave, dave_in_cs101, thread):
    answer = services.reply(author=alice, thread=thread, body="Answer")
    services.reply(author=dave, thread=thread, body="Follow-up", parent=answer)
    client.force_login(carol)
    response = client.post(thread_url(thread), {"body": "Thanks both", "parent": ""})
    post = Post.objects.get(body="Thanks both")
    assert response["Location"] == thread_url(thread) + f"#post-{post.pk}"
    (root,) = client.get(thread_url(thread)).context["posts"]
    assert [child.body for child in root.children] == ["Answer", "Thanks both"]
    assert [child.body for child in root.children[0].children] == ["Follow-up"]


def test_a_reply_cannot_hang_under_a_post_of_another_thread(alice, carol, cs101, thread):
    other = services.start_thread(author=alice, course=cs101, title="Other", body="x")
    with pytest.raises(ValidationError):
        services.reply(author=carol, thread=thread, body="x", parent=opening(other))


def test_a_thread_can_be_about_a_lesson(client, carol, carol_in_cs101, cs101):
    item = w.lesson(w.module(cs101), "Loops")
    client.force_login(carol)
    response = client.post(
        reverse("courses:threads", args=["CS101"]), {"title": "Q", "body": "About loops", "lesson": item.pk}
    )
    thread = Thread.objects.get(title="Q")
    assert response["Location"] == thread_url(thread)
    assert thread.lesson == item
    assert "About loops" not in client.get(reverse("courses:lesson", args=["CS101", item.pk])).text
    assert ">Q</a>" in client.get(reverse("courses:lesson", args=["CS101", item.pk])).text


def test_a_thread_cannot_be_about_a_hidden_lesson(client, carol, carol_in_cs101, cs101):
    hidden = w.lesson(w.module(cs101), "Secret", published=False)
    client.force_login(carol)
    response = client.post(reverse("courses:threads", args=["CS101"]), {"title": "Q", "body": "x", "lesson": hidden.pk})
    assert response.status_code == 400
    assert not Thread.objects.exists()


# Editing


def test_the_author_edits_within_the_window(client, carol, thread):
    post = opening(thread)
    client.force_login(carol)
    url = reverse("courses:post_edit", args=["CS101", thread.pk, post.pk])
    assert client.post(url, {"body": "Edited *text*"}).status_code == 302
    post.refresh_from_db()
    assert post.body == "Edited *text*" and post.edited_at is not None
    assert "(edited)" in client.get(thread_url(thread)).text


def test_nobody_edits_after_the_window(client, carol, thread):
    post = opening(thread)
    Post.objects.filter(pk=post.pk).update(created_at=post.created_at - timedelta(minutes=16))
    client.force_login(carol)
    url = reverse("courses:post_edit", args=["CS101", thread.pk, post.pk])
    assert client.post(url, {"body": "Too late"}).status_code == 403
    post.refresh_from_db()
    assert post.body != "Too late"


def test_only_the_author_edits(client, alice, dave, dave_in_cs101, thread):
    post = opening(thread)
    url = reverse("courses:post_edit", args=["CS101", thread.pk, post.pk])
    for person in (dave, alice):
        client.force_login(person)
        assert client.post(url, {"body": "Hijacked"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.edit_post(user=dave, post=post, body="Hijacked")


# Moderation


def test_the_instructor_pins_locks_and_deletes(client, alice, carol, cs101, thread):
    other = services.start_thread(author=carol, course=cs101, title="Later thread", body="x")
    client.force_login(alice)
    moderate = reverse("courses:thread_moderate", args=["CS101", thread.pk])
    client.post(moderate, {"action": "pin"})
    assert list(Thread.objects.all()) == [thread, other]  # pinned first, though older
    client.post(moderate, {"action": "lock"})
    thread.refresh_from_db()
    with pytest.raises(ValidationError, match="locked"):
        services.reply(author=carol, thread=thread, body="Still there?")
    services.reply(author=alice, thread=thread, body="Instructors may still answer.")
    client.post(moderate, {"action": "delete"})
    assert not Thread.objects.filter(pk=thread.pk).exists()


def test_a_removed_post_keeps_its_replies(client, alice, carol, thread):
    answer = services.reply(author=alice, thread=thread, body="Answer")
    client.force_login(alice)
    client.post(reverse("courses:post_remove", args=["CS101", thread.pk, opening(thread).pk]))
    page = client.get(thread_url(thread)).text
    assert "This post was removed" in page and "How do" not in page and "Answer" in page
    assert Post.objects.filter(pk=answer.pk).exists()


@pytest.mark.parametrize("action", ["pin", "lock", "delete"])
def test_students_do_not_moderate(client, carol, thread, action):
    client.force_login(carol)
    response = client.post(reverse("courses:thread_moderate", args=["CS101", thread.pk]), {"action": action})
    assert response.status_code == 403
    thread.refresh_from_db()
    assert (thread.is_pinned, thread.is_locked) == (False, False)


def test_students_do_not_remove_posts(client, dave, dave_in_cs101, thread):
    client.force_login(dave)
    url = reverse("courses:post_remove", args=["CS101", thread.pk, opening(thread).pk])
    assert client.post(url).status_code == 403
    assert not opening(thread).is_removed


def test_the_admin_moderates_only_my_courses_threads(client, alice, bob, thread):
    client.force_login(bob)
    changelist = reverse("admin:courses_thread_changelist")
    client.post(changelist, {"action": "pin", "_selected_action": [thread.pk]})
    thread.refresh_from_db()
    assert thread.is_pinned is False
    client.force_login(alice)
    client.post(changelist, {"action": "lock", "_selected_action": [thread.pk]})
    thread.refresh_from_db()
    assert thread.is_locked is True


# Rate limit


def test_posting_is_rate_limited_per_user_with_a_clear_message(client, settings, carol, dave, dave_in_cs101, thread):
    settings.DISCUSSION_POSTS_PER_WINDOW = 3
    settings.DISCUSSION_RATE_WINDOW_SECONDS = 60
    client.force_login(carol)
    for n in range(2):  # the opening post was the first
        assert client.post(thread_url(thread), {"body": f"Reply {n}"}).status_code == 302
    response = client.post(thread_url(thread), {"body": "One too many"})
    assert response.status_code == 429
    assert "You are posting too quickly: at most 3 posts in 60 seconds" in response.text
    assert not Post.objects.filter(body="One too many").exists()
    services.reply(author=dave, thread=thread, body="Others may still post")  # per user
    Post.objects.filter(author=carol).update(created_at=w.ago(seconds=61))
    assert client.post(thread_url(thread), {"body": "After a minute"}).status_code == 302


def test_starting_threads_counts_toward_the_limit(settings, carol, carol_in_cs101, cs101):
    settings.DISCUSSION_POSTS_PER_WINDOW = 2
    services.start_thread(author=carol, course=cs101, title="1", body="x")
    services.start_thread(author=carol, course=cs101, title="2", body="x")
    with pytest.raises(services.RateLimited, match="Please wait"):
        services.start_thread(author=carol, course=cs101, title="3", body="x")
    assert Thread.objects.count() == 2


# Who may read


@pytest.mark.parametrize(
    ("who", "status"), [("carol", 200), ("alice", 200), ("root", 200), ("dave", 404), ("bob", 404)]
)
def test_only_members_read_threads(client, request, thread, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(thread_url(thread)).status_code == status
    assert client.get(reverse("courses:threads", args=["CS101"])).status_code == status
    post = opening(thread)
    assert client.get(reverse("courses:post", args=["CS101", thread.pk, post.pk])).status_code == status


def test_outsiders_cannot_post(client, dave, thread):
    client.force_login(dave)
    assert client.post(thread_url(thread), {"body": "Let me in"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.reply(author=dave, thread=thread, body="Let me in")


def test_a_thread_of_another_course_is_not_reachable_through_mine(client, bob, thread, ma201):
    client.force_login(bob)
    assert client.get(reverse("courses:thread", args=["MA201", thread.pk])).status_code == 404


def test_the_post_fragment_is_one_post(client, alice, carol, thread):
    answer = services.reply(author=alice, thread=thread, body="The *answer*")
    client.force_login(carol)
    html = client.get(reverse("courses:post", args=["CS101", thread.pk, answer.pk])).text
    assert html.strip().startswith(f'<li class="post-item" id="post-{answer.pk}"')
    assert f'data-parent-id="{opening(thread).pk}"' in html and "<em>answer</em>" in html
    assert "<html" not in html


@pytest.mark.parametrize("replies", [1, 8])
def test_the_thread_page_query_count_does_not_grow(
    client, alice, carol, dave, thread, django_assert_num_queries, replies
):
    for n in range(replies):
        services.reply(author=alice if n % 2 else carol, thread=thread, body=f"Reply {n}")
    client.force_login(carol)
    client.get(thread_url(thread))
    # session, user, course, membership, thread, posts with authors, 4 for the header
    with django_assert_num_queries(10):
        assert client.get(thread_url(thread)).status_code == 200


def test_pinned_threads_come_first_then_the_most_recent(carol, cs101, thread):
    from courses import selectors

    newer = services.start_thread(author=carol, course=cs101, title="Newer", body="Text")
    assert [t.title for t in selectors.course_threads(cs101)] == ["Newer", "Loops"]
    thread.set_flags(pinned=True)
    assert [t.title for t in selectors.course_threads(cs101)] == ["Loops", "Newer"]
    newer.set_flags(pinned=True)
    assert [t.title for t in selectors.course_threads(cs101)] == ["Newer", "Loops"]
