"""Modules and lessons: who sees what and when, the release of scheduled lessons, progress through
a course, and the pages' query counts."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from courses import services
from courses.models import CourseCompletion, Lesson, LessonProgress, Subscription, embed_src
from courses.selectors import learning_progress
from lms_site.testing import content as w
from lms_site.testing.events import events_after, newest_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(cs101):
    return w.module(cs101)


def lesson_url(item):
    return reverse("courses:lesson", args=[item.module.course.code, item.pk])


# Who sees a lesson


@pytest.mark.parametrize(
    # A logged-in non-member of the published course is asked to subscribe (403, no content):
    # test_outline_before_joining.py.
    ("who", "status"),
    [("carol", 200), ("alice", 200), ("root", 200), ("dave", 403), ("bob", 403), (None, 302)],
)
def test_only_members_open_a_lesson(client, request, carol_in_cs101, week, who, status):
    item = w.lesson(week)
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(lesson_url(item)).status_code == status


def test_a_student_cannot_open_a_draft_or_unreleased_lesson_but_the_instructor_can(
    client, carol, alice, carol_in_cs101, week
):
    draft = w.lesson(week, "Draft", published=False)
    scheduled = w.lesson(week, "Tomorrow", release_at=w.later(days=1))
    client.force_login(carol)
    assert client.get(lesson_url(draft)).status_code == 404
    assert client.get(lesson_url(scheduled)).status_code == 404
    outline = client.get(reverse("courses:outline", args=["CS101"])).text
    assert "Draft" not in outline and "Tomorrow" not in outline
    client.force_login(alice)
    assert client.get(lesson_url(draft)).status_code == 200
    assert "Releases" in client.get(reverse("courses:outline", args=["CS101"])).text


def test_a_lesson_is_visible_once_its_release_time_has_passed_even_before_release_due_runs(
    client, carol, carol_in_cs101, week
):
    item = w.lesson(week, release_at=w.later(hours=1))
    Lesson.objects.filter(pk=item.pk).update(release_at=w.ago(minutes=1))
    client.force_login(carol)
    assert client.get(lesson_url(item)).status_code == 200


# The new_lesson event


def test_publishing_a_lesson_without_release_time_announces_it_once(week):
    before = newest_id()
    item = w.lesson(week, published=False)
    assert events_after(before) == []
    item.is_published = True
    item.save()
    item.title = "Variables, revised"
    item.save()
    # Announced once; the rename of a lesson students see is a quiet change for open pages, not news.
    assert events_after(before) == [("new_lesson", "course:CS101"), ("content_changed", "course:CS101")]


def test_a_scheduled_lesson_is_announced_at_release_not_when_written(week):
    before = newest_id()
    item = w.lesson(week, release_at=w.later(hours=2))
    call_command("release_due", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert events_after(before) == []
    Lesson.objects.filter(pk=item.pk).update(release_at=w.ago(seconds=1))
    call_command("release_due", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert events_after(before) == [("new_lesson", "course:CS101")]
    item.refresh_from_db()
    assert item.announced_at is not None


def test_release_due_is_idempotent(week, capsys):
    item = w.lesson(week, release_at=w.later(hours=2))
    Lesson.objects.filter(pk=item.pk).update(release_at=w.ago(seconds=1))
    before = newest_id()
    call_command("release_due")
    call_command("release_due")
    assert events_after(before) == [("new_lesson", "course:CS101")]
    assert capsys.readouterr().out.splitlines() == ["Announced 1 lesson(s).", "Announced 0 lesson(s)."]
    assert item.announce_if_due() is False


def test_release_due_skips_drafts(week):
    item = w.lesson(week, published=False, release_at=w.later(hours=1))
    Lesson.objects.filter(pk=item.pk).update(release_at=w.ago(hours=1))
    before = newest_id()
    call_command("release_due", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert events_after(before) == []


def test_a_lesson_published_with_a_past_release_time_is_announced_on_save(week):
    before = newest_id()
    w.lesson(week, release_at=w.ago(days=1))
    assert events_after(before) == [("new_lesson", "course:CS101")]


# Content rules


def test_only_allow_listed_hosts_are_embedded():
    assert (
        embed_src("https://www.youtube.com/watch?v=dQw4w9WgXcQ") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    assert embed_src("https://youtu.be/dQw4w9WgXcQ") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert embed_src("https://vimeo.com/123456") == "https://player.vimeo.com/video/123456"
    assert embed_src("http://www.youtube.com/watch?v=dQw4w9WgXcQ") is None  # not https
    assert embed_src("https://evil.example/embed/x") is None
    assert embed_src("https://www.youtube.com.evil.example/watch?v=abcdefg") is None
    assert embed_src('https://www.youtube.com/watch?v=a"onload=alert(1)') is None


def test_a_video_lesson_rejects_a_link_from_another_host(week):
    item = Lesson(module=week, title="Clip", kind="video", embed_url="https://evil.example/v/1", is_published=True)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "embed_url" in error.value.message_dict


def test_a_published_text_lesson_needs_text_but_a_draft_does_not(week):
    Lesson(module=week, title="Empty draft", kind="text").full_clean()
    with pytest.raises(ValidationError, match="needs its text"):
        services.save_content(obj=Lesson(module=week, title="Empty", kind="text", is_published=True), by=None)


def test_an_embedded_video_is_shown_in_an_iframe_with_a_title(client, carol, carol_in_cs101, week):
    item = w.lesson(week, "Clip", kind="video", embed_url="https://youtu.be/dQw4w9WgXcQ")
    client.force_login(carol)
    text = client.get(lesson_url(item)).text
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="Video: Clip"' in text


# Progress


def test_marking_lessons_complete_fills_the_progress_bar(client, carol, carol_in_cs101, week):
    first, second = w.lesson(week, "One", position=1), w.lesson(week, "Two", position=2)
    client.force_login(carol)
    response = client.post(reverse("courses:lesson_complete", args=["CS101", first.pk]))
    assert response.status_code == 302
    assert response["Location"] == lesson_url(second)  # on to the next lesson
    page = client.get(reverse("courses:outline", args=["CS101"]))
    assert page.context["outline"].done == 1
    assert 'value="50"' in page.text
    assert "1 of 2 lessons complete" in page.text


def test_finishing_every_lesson_completes_the_course_and_tells_the_instructor(carol, alice, carol_in_cs101, week):
    first, second = w.lesson(week, "One"), w.lesson(week, "Two")
    w.lesson(week, "Draft", published=False)  # drafts do not count
    w.lesson(week, "Later", release_at=w.later(days=3))  # nor lessons not released yet
    services.complete_lesson(student=carol, lesson=first)
    before = newest_id()
    services.complete_lesson(student=carol, lesson=second)
    services.complete_lesson(student=carol, lesson=second)  # idempotent
    assert CourseCompletion.objects.filter(student=carol, course=week.course).count() == 1
    assert events_after(before) == [
        ("content_changed", f"user:{carol.pk}"),  # quiet: her open progress bars follow
        ("content_changed", f"user:{alice.pk}"),  # quiet: the course's open analytics follow
        ("content_changed", "staff"),  # quiet: and the site admins'
        ("course_completed", f"user:{alice.pk}"),
        ("course_completed", f"user:{carol.pk}"),
    ]


def test_only_subscribed_students_complete_lessons(client, alice, week):
    item = w.lesson(week)
    client.force_login(alice)
    client.post(reverse("courses:lesson_complete", args=["CS101", item.pk]))
    assert not LessonProgress.objects.exists()


def test_a_video_lesson_completes_through_the_json_endpoint(client, carol, carol_in_cs101, week):
    item = w.lesson(week, "Clip", kind="video", embed_url="https://youtu.be/dQw4w9WgXcQ")
    client.force_login(carol)
    response = client.post(
        reverse("courses:lesson_complete", args=["CS101", item.pk]), headers={"accept": "application/json"}
    )
    assert response.json() == {"completed": True}
    assert LessonProgress.objects.get(student=carol, lesson=item).completed_at is not None


def test_continue_where_you_left_off(client, carol, carol_in_cs101, cs101):
    one, two = w.module(cs101, "Week 1", 1), w.module(cs101, "Week 2", 2)
    a = w.lesson(one, "A", position=1)
    b = w.lesson(one, "B", position=2)
    c = w.lesson(two, "C", position=1)
    client.force_login(carol)
    outline_url = reverse("courses:outline", args=["CS101"])
    assert client.get(outline_url).context["outline"].continue_lesson == a
    client.get(lesson_url(b))  # opened, not finished: continue there
    assert client.get(outline_url).context["outline"].continue_lesson == b
    client.post(reverse("courses:lesson_complete", args=["CS101", b.pk]))
    assert client.get(outline_url).context["outline"].continue_lesson == c
    for item in (a, c):
        client.post(reverse("courses:lesson_complete", args=["CS101", item.pk]))
    page = client.get(outline_url)
    assert page.context["outline"].continue_lesson is None
    assert "Course completed" in page.text


def test_the_dashboard_shows_each_courses_progress(client, carol, carol_in_cs101, ma201, week):
    Subscription.objects.create(student=carol, course=ma201)
    first = w.lesson(week, "One")
    w.lesson(week, "Two")
    w.lesson(week, "Hidden", published=False)
    w.lesson(w.module(ma201), "Vectors")
    services.complete_lesson(student=carol, lesson=first)
    assert learning_progress(carol) == {
        week.course.pk: {"total": 2, "done": 1, "percent": 50},
        ma201.pk: {"total": 1, "done": 0, "percent": 0},
    }
    client.force_login(carol)
    page = client.get(reverse("courses:dashboard")).text
    assert "1 of 2 lessons complete (50%)" in page and "0 of 1 lesson complete (0%)" in page


def test_the_course_page_shows_progress_and_where_to_continue(client, carol, carol_in_cs101, week):
    first, second = w.lesson(week, "One", position=1), w.lesson(week, "Two", position=2)
    services.complete_lesson(student=carol, lesson=first)
    client.force_login(carol)
    page = client.get(reverse("courses:detail", args=["CS101"])).text
    assert "1 of 2 lessons complete (50%)" in page
    assert f'href="{lesson_url(second)}">Continue where you left off' in page


def test_the_course_page_shows_no_progress_to_outsiders(client, dave, week):
    w.lesson(week, "One")
    client.force_login(dave)
    page = client.get(reverse("courses:detail", args=["CS101"])).text
    assert "lessons complete" not in page and "All lessons" not in page


# Query counts


def build_course(course, modules=3, lessons=4):
    for m in range(modules):
        mod = w.module(course, f"Week {m}", m)
        for n in range(lessons):
            w.lesson(mod, f"Lesson {m}.{n}", position=n)


@pytest.mark.parametrize("size", [1, 4])
def test_the_outline_query_count_does_not_grow(client, carol, carol_in_cs101, cs101, django_assert_num_queries, size):
    build_course(cs101, modules=size, lessons=size)
    services.complete_lesson(student=carol, lesson=Lesson.objects.first())
    client.force_login(carol)
    url = reverse("courses:outline", args=["CS101"])
    client.get(url)
    # session, user, course, membership, modules, lessons, progress, completion, 4 for the header,
    # what is due (the Upcoming panel)
    with django_assert_num_queries(13):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 4])
def test_the_lesson_page_query_count_does_not_grow(
    client, carol, carol_in_cs101, cs101, django_assert_num_queries, size
):
    build_course(cs101, modules=size, lessons=size)
    item = Lesson.objects.last()
    client.force_login(carol)
    client.get(lesson_url(item))
    # + the lesson, its progress row (read, write), the week's activity for analytics (one insert that
    # ignores a row already there, in the course and across courses), the lesson's threads
    with django_assert_num_queries(18):
        assert client.get(lesson_url(item)).status_code == 200


def test_the_demo_has_lessons_a_quiz_and_a_thread_once(capsys):
    from courses.models import Post, Question, Thread

    call_command("seed_demo", "--students", "0")
    call_command("seed_demo", "--students", "0")
    lessons = Lesson.objects.filter(module__course__code="CS101")
    assert sorted(lessons.values_list("kind", flat=True)) == ["quiz", "text"]
    assert Question.objects.filter(quiz__lesson__in=lessons).count() == 3
    assert Thread.objects.filter(course__code="CS101").count() == 1
    assert Post.objects.count() == 2
