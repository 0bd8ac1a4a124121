"""Anyone who may see a course sees its outline (module and lesson titles of released lessons);
a logged-in non-member who opens a lesson or the lessons page is asked to subscribe (403), and
never sees a lesson's content. Hidden lessons and unpublished courses still answer the one 404."""

import pytest
from django.urls import reverse

from courses import services
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db

SECRET = "The answer is forty-two."


@pytest.fixture
def lessons(cs101):
    week = w.module(cs101, title="Week 1: Basics")
    return {
        "released": w.lesson(week, title="Variables", body=SECRET),
        "draft": w.lesson(week, title="Draft lesson", published=False, position=1),
        "unreleased": w.lesson(week, title="Coming soon", release_at=w.later(days=2), position=2),
    }


def lesson_url(course, lesson_id) -> str:
    return reverse("courses:lesson", args=[course.code, lesson_id])


@pytest.mark.parametrize("who", ["dave", "anonymous"])
def test_the_course_page_shows_the_outline_of_released_lessons_to_a_visitor(client, dave, cs101, lessons, who):
    if who == "dave":
        client.force_login(dave)
    text = client.get(reverse("courses:detail", args=["CS101"])).text
    assert "Week 1: Basics" in text and "Variables" in text
    assert "Draft lesson" not in text and "Coming soon" not in text
    assert SECRET not in text
    assert lesson_url(cs101, lessons["released"].pk) not in text  # titles, not links, for non-members


def test_a_subscriber_gets_the_outline_with_links(client, carol, cs101, carol_in_cs101, lessons):
    client.force_login(carol)
    text = client.get(reverse("courses:detail", args=["CS101"])).text
    assert lesson_url(cs101, lessons["released"].pk) in text
    assert "Draft lesson" not in text


def test_a_non_member_opening_a_lesson_is_asked_to_subscribe(client, dave, cs101, lessons):
    client.force_login(dave)
    response = client.get(lesson_url(cs101, lessons["released"].pk))
    assert response.status_code == 403
    assert "Subscribe to see this lesson" in response.text
    assert reverse("courses:subscribe", args=["CS101"]) in response.text
    assert SECRET not in response.text


def test_a_non_member_opening_the_lessons_page_is_asked_to_subscribe(client, dave, cs101, lessons):
    client.force_login(dave)
    response = client.get(reverse("courses:outline", args=["CS101"]))
    assert response.status_code == 403
    assert "Subscribe to see this lesson" in response.text
    assert reverse("courses:subscribe", args=["CS101"]) in response.text


def test_after_subscribing_the_lesson_opens(client, dave, cs101, lessons):
    client.force_login(dave)
    services.subscribe(user=dave, course=cs101)
    response = client.get(lesson_url(cs101, lessons["released"].pk))
    assert response.status_code == 200
    assert "forty-two" in response.text


@pytest.mark.parametrize("hidden", ["draft", "unreleased"])
def test_a_hidden_lesson_is_the_same_404_as_one_that_never_existed(client, dave, cs101, lessons, hidden):
    client.force_login(dave)
    response = client.get(lesson_url(cs101, lessons[hidden].pk))
    never = client.get(lesson_url(cs101, 999_999))
    assert (response.status_code, never.status_code) == (404, 404)
    assert response.content == never.content
    assert "Subscribe" not in response.text


def test_a_non_member_gets_no_lesson_file_or_video(client, dave, cs101, lessons):
    client.force_login(dave)
    pk = lessons["released"].pk
    assert client.get(reverse("courses:lesson_media", args=["CS101", pk])).status_code == 404
    assert client.get(reverse("courses:lesson_file", args=["CS101", pk])).status_code == 404


def test_an_unpublished_course_still_answers_404(client, alice, carol, dave, cs101, carol_in_cs101, lessons):
    services.set_published(course=cs101, published=False, by=alice)
    pk = lessons["released"].pk
    for who in (carol, dave):
        client.force_login(who)
        for url in (lesson_url(cs101, pk), reverse("courses:outline", args=["CS101"])):
            response = client.get(url)
            assert response.status_code == 404, (who, url)
            assert SECRET not in response.text and "Subscribe" not in response.text


def test_a_draft_course_answers_404_to_outsiders(client, dave, draft):
    lesson = w.lesson(w.module(draft), title="Secret draft")
    client.force_login(dave)
    assert client.get(lesson_url(draft, lesson.pk)).status_code == 404
    assert client.get(reverse("courses:outline", args=[draft.code])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, cs101, lessons):
    response = client.get(lesson_url(cs101, lessons["released"].pk))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("size", [1, 10])
def test_the_visitors_course_page_query_count_does_not_grow_with_the_outline(
    client, dave, cs101, django_assert_num_queries, size
):
    for m in range(size):
        week = w.module(cs101, title=f"Week {m}", position=m)
        for n in range(3):
            w.lesson(week, title=f"Lesson {m}.{n}", position=n)
    client.force_login(dave)
    # session, user, course, my subscription (none), membership, resources, announcements,
    # outline, header (membership, cursor, capped unread count, newest id)
    with django_assert_num_queries(12):
        response = client.get(reverse("courses:detail", args=["CS101"]))
    assert f"Lesson {size - 1}.2" in response.text
