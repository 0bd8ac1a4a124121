"""The figures across courses against hand-counted numbers (the story of conftest.py, plus MA201 with
one active student), and the rollups behind "active": kept current by the services as they write
(the site's weeks also as subscriptions begin and end, by any path), and rebuilt from the source
rows to the same rows by `manage.py rebuild_analytics`."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from courses import services
from courses.models import ActiveWeek, Course, SiteActiveWeek, Subscription
from courses.selectors import analytics
from courses.services.analytics import week_of
from lms_site.testing import content as w

from .conftest import NOW, on

pytestmark = pytest.mark.django_db

WEEKS = ["Week of 2 Nov 2026", "Week of 9 Nov 2026", "Week of 16 Nov 2026", "Week of 23 Nov 2026"]


@pytest.fixture
def site(counted, bob, ma201):
    """MA201: carol subscribes on 23 November and views a lesson then; an unpublished course and
    another published one with no one."""
    vectors = w.lesson(w.module(ma201), "Vectors")
    services.subscribe(user=counted["students"]["carol"], course=ma201)
    services.record_lesson_view(student=counted["students"]["carol"], lesson=vectors)
    Subscription.objects.filter(course=ma201).update(subscribed_at=on(11, 23))
    from courses.models import LessonProgress

    LessonProgress.objects.filter(lesson=vectors).update(first_viewed_at=on(11, 23), last_viewed_at=on(11, 23))
    Course.objects.create(code="ZZ100", title="Quiet", instructor=bob, is_published=True)
    Course.objects.create(code="DR100", title="Hidden", instructor=bob, is_published=False)
    User = get_user_model()
    # Sign-ups: everyone was made now (30 November); date a few by hand.
    User.objects.filter(username__in=["erin", "frank"]).update(date_joined=on(11, 10))
    User.objects.filter(username="grace").update(date_joined=on(11, 24))
    services.rebuild_analytics()
    return counted


def figures() -> dict:
    return {figure.key: figure for figure in analytics.site_figures(now=NOW)}


def test_signups_enrolments_and_active_students_across_courses(site):
    found = figures()
    assert found["signups"].rows == [[WEEKS[0], 0], [WEEKS[1], 2], [WEEKS[2], 0], [WEEKS[3], 1]]
    # frank's is from October; carol's MA201 enrolment is on 23 November.
    assert found["enrolments"].values() == [1, 0, 1, 2]
    assert found["activity"].values() == [1, 1, 1, 2]  # the last week: erin in CS101, carol in MA201


def test_the_most_and_least_active_published_courses_over_four_weeks(site):
    found = figures()
    # CS101: carol, dave, erin active in the last four weeks (grace left); MA201: carol; ZZ100: nobody.
    assert found["most_active"].rows == [
        ["CS101: Introduction to Programming", 3],
        ["MA201: Linear Algebra", 1],
        ["ZZ100: Quiet", 0],
    ]
    assert found["least_active"].rows == list(reversed(found["most_active"].rows))
    assert all("DR100" not in row[0] for row in found["most_active"].rows)  # unpublished


def test_discussions_and_backlog_across_courses(site):
    found = figures()
    assert found["discussions"].rows == [[WEEKS[0], 0, 0], [WEEKS[1], 1, 1], [WEEKS[2], 1, 1], [WEEKS[3], 1, 0]]
    assert [row[1] for row in found["backlog"].rows] == [0, 0, 1, 0]


def test_the_services_keep_the_rollup_current(carol, carol_in_cs101, cs101):
    week = w.module(cs101)
    intro = w.lesson(week, "Intro")
    services.record_lesson_view(student=carol, lesson=intro)
    services.complete_lesson(student=carol, lesson=intro)
    services.start_thread(author=carol, course=cs101, title="Hi", body="Hello")
    assert list(ActiveWeek.objects.values_list("student", "course", "week")) == [
        (carol.pk, cs101.pk, week_of(timezone.now()))
    ]


def test_a_quiz_an_assignment_and_a_reply_are_activity(alice, carol, carol_in_cs101, cs101, media):
    quiz = w.quiz_lesson(w.module(cs101))
    w.single(quiz)
    w.take(carol, quiz, {})
    ActiveWeek.objects.all().delete()
    essay = w.assignment_lesson(quiz.lesson.module)
    services.submit_assignment(student=carol, assignment=essay, text="Mine")
    assert ActiveWeek.objects.filter(student=carol, course=cs101).count() == 1
    ActiveWeek.objects.all().delete()
    thread = services.start_thread(author=alice, course=cs101, title="News", body="Hello")
    ActiveWeek.objects.all().delete()
    services.reply(author=carol, thread=thread, body="Thanks")
    assert ActiveWeek.objects.filter(student=carol, course=cs101).count() == 1


def test_rebuilding_gives_the_rows_the_services_wrote(alice, carol, dave, carol_in_cs101, dave_in_cs101, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    w.single(quiz)
    intro = w.lesson(quiz.lesson.module, "Intro")
    services.record_lesson_view(student=dave, lesson=intro)
    w.take(carol, quiz, {})
    thread = services.start_thread(author=alice, course=cs101, title="News", body="Hello")
    services.reply(author=dave, thread=thread, body="Thanks")
    written = sorted(ActiveWeek.objects.values_list("student", "course", "week"))
    assert len(written) == 3  # carol, dave and alice (readers count subscribers only)
    site_written = sorted(SiteActiveWeek.objects.values_list("student", "week"))
    assert [student for student, _week in site_written] == sorted([carol.pk, dave.pk])  # not alice
    out = io.StringIO()
    call_command("rebuild_analytics", stdout=out)
    assert sorted(ActiveWeek.objects.values_list("student", "course", "week")) == written
    assert sorted(SiteActiveWeek.objects.values_list("student", "week")) == site_written
    assert out.getvalue().startswith("Rebuilt the analytics rollup: 3 active student-weeks in ")


def test_a_rebuild_puts_each_moment_in_its_monday_week(site):
    carol = site["students"]["carol"]
    weeks = sorted(ActiveWeek.objects.filter(student=carol).values_list("course__code", "week"))
    # CS101: 4-5 November (lessons, quiz), 10-11 November (essay, thread); MA201: 23 November; her
    # grade on 30 November is not her activity.
    assert [(code, week.isoformat()) for code, week in weeks] == [
        ("CS101", "2026-11-02"),
        ("CS101", "2026-11-09"),
        ("MA201", "2026-11-23"),
    ]


def this_week_active() -> int:
    return analytics.site_activity(analytics.weeks(count=1)).values()[0]


def test_the_site_counts_a_student_once_a_week_and_only_while_subscribed(alice, carol, cs101, ma201):
    services.subscribe(user=carol, course=cs101)
    services.subscribe(user=carol, course=ma201)
    services.record_lesson_view(student=carol, lesson=w.lesson(w.module(cs101), "Intro"))
    services.record_lesson_view(student=carol, lesson=w.lesson(w.module(ma201), "Vectors"))
    services.start_thread(author=alice, course=cs101, title="News", body="Hello")  # a teacher is no student
    assert this_week_active() == 1
    services.unsubscribe(user=carol, course=cs101)
    assert this_week_active() == 1  # still active in MA201
    services.unsubscribe(user=carol, course=ma201)
    assert this_week_active() == 0  # a student who left counts nowhere
    services.subscribe(user=carol, course=cs101)
    assert this_week_active() == 1  # back: her week in CS101 counts again


def test_the_site_weeks_follow_the_admins_deletes_of_a_subscription_a_course_and_a_student(carol, dave, cs101, ma201):
    for student in (carol, dave):
        services.subscribe(user=student, course=cs101)
        services.record_lesson_view(student=student, lesson=w.lesson(w.module(cs101), f"For {student}"))
    services.subscribe(user=dave, course=ma201)
    services.record_lesson_view(student=dave, lesson=w.lesson(w.module(ma201), "Vectors"))
    assert this_week_active() == 2
    Subscription.objects.filter(student=carol).delete()  # the admin's "delete selected"
    assert this_week_active() == 1
    cs101.delete()
    assert this_week_active() == 1  # dave is still active in MA201
    dave.delete()
    assert this_week_active() == 0
    assert not SiteActiveWeek.objects.exists()
