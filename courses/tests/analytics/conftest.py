"""A course whose every analytics figure was counted by hand (the expected numbers are in
test_course_figures.py), written through the services, then dated at fixed moments so the weeks
are known: NOW is Wednesday 25 November 2026, noon UTC; with ANALYTICS_WEEKS = 4 the weeks start on
Mondays 2, 9, 16 and 23 November.

CS101 (alice): lessons Intro (text), Check-in quiz (two questions), Essay (due 20 November), and
Bonus, added after carol finished the course; a draft that never counts.
- frank subscribed 20 October and did nothing;
- carol subscribed 3 November, completed Intro 4 November, took the quiz twice on 5 November (1/2
  then 2/2), submitted the essay on time on 10 November (graded 8/10), started a thread on
  11 November at 10:00 that alice answered on 24 November;
- dave subscribed 17 November, viewed Intro and took the quiz (0/2) on 18 November, started a thread
  no one answered on 18 November, submitted the essay late on 21 November (not graded);
- erin subscribed 24 November and viewed Intro on 24 November;
- grace subscribed, completed Intro on 10 November, and left: she counts nowhere.
"""

from datetime import UTC, datetime

import pytest

from courses import services
from courses.models import Attempt, LessonProgress, Post, Submission, Subscription, Thread
from lms_site.testing import content as w

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def on(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture(autouse=True)
def four_weeks(settings):
    settings.ANALYTICS_WEEKS = 4
    settings.ANALYTICS_INACTIVE_DAYS = 14


def _person(django_user_model, name):
    return django_user_model.objects.create_user(
        username=name, email=f"{name}@example.edu", password="pw", first_name=name.title(), last_name="Test"
    )


def _viewed(student, lesson, moment):
    LessonProgress.objects.filter(student=student, lesson=lesson).update(first_viewed_at=moment, last_viewed_at=moment)


@pytest.fixture
def counted(django_user_model, alice, carol, dave, cs101):
    erin, frank, grace = (_person(django_user_model, name) for name in ("erin", "frank", "grace"))
    week = w.module(cs101)
    intro = w.lesson(week, "Intro", position=0)
    quiz = w.quiz_lesson(week, position=10, max_attempts=3)
    first = w.single(quiz, position=0)
    second = w.true_false(quiz, position=1)
    essay = w.assignment_lesson(week, max_points=10, due_at=w.later(days=5))
    w.lesson(week, "Draft", published=False, position=30)
    for student in (frank, carol, dave, erin, grace):
        services.subscribe(user=student, course=cs101)

    services.record_lesson_view(student=carol, lesson=intro)
    services.complete_lesson(student=carol, lesson=intro)
    LessonProgress.objects.filter(student=carol, lesson=intro).update(
        first_viewed_at=on(11, 4), last_viewed_at=on(11, 4), completed_at=on(11, 4)
    )
    w.take(carol, quiz, {first.pk: [w.choice_id(first, "4")], second.pk: "false"})
    w.take(carol, quiz, {first.pk: [w.choice_id(first, "4")], second.pk: "true"})
    Attempt.objects.filter(student=carol).update(started_at=on(11, 5), submitted_at=on(11, 5))
    LessonProgress.objects.filter(student=carol, lesson=quiz.lesson).update(
        first_viewed_at=on(11, 5), last_viewed_at=on(11, 5), completed_at=on(11, 5)
    )
    carol_essay = services.submit_assignment(student=carol, assignment=essay, text="Mine")
    services.grade_submission(submission=carol_essay, points=8, feedback="", by=alice)
    Submission.objects.filter(pk=carol_essay.pk).update(submitted_at=on(11, 10), is_late=False)
    LessonProgress.objects.filter(student=carol, lesson=essay.lesson).update(
        first_viewed_at=on(11, 10), last_viewed_at=on(11, 10), completed_at=on(11, 10)
    )
    help_thread = services.start_thread(author=carol, course=cs101, title="Help with loops", body="How?")
    services.reply(author=alice, thread=help_thread, body="Like this.")
    Thread.objects.filter(pk=help_thread.pk).update(created_at=on(11, 11, 10))
    Post.objects.filter(thread=help_thread, author=carol).update(created_at=on(11, 11, 10))
    Post.objects.filter(thread=help_thread, author=alice).update(created_at=on(11, 24))

    services.record_lesson_view(student=dave, lesson=intro)
    _viewed(dave, intro, on(11, 18))
    w.take(dave, quiz, {first.pk: [w.choice_id(first, "3")], second.pk: "false"})
    Attempt.objects.filter(student=dave).update(started_at=on(11, 18), submitted_at=on(11, 18))
    LessonProgress.objects.filter(student=dave, lesson=quiz.lesson).update(
        first_viewed_at=on(11, 18), last_viewed_at=on(11, 18), completed_at=on(11, 18)
    )
    deadline = services.start_thread(author=dave, course=cs101, title="Deadline?", body="When?")
    Thread.objects.filter(pk=deadline.pk).update(created_at=on(11, 18))
    Post.objects.filter(thread=deadline).update(created_at=on(11, 18))
    dave_essay = services.submit_assignment(student=dave, assignment=essay, text="Late")
    Submission.objects.filter(pk=dave_essay.pk).update(submitted_at=on(11, 21), is_late=True)
    LessonProgress.objects.filter(student=dave, lesson=essay.lesson).update(
        first_viewed_at=on(11, 21), last_viewed_at=on(11, 21), completed_at=on(11, 21)
    )

    services.record_lesson_view(student=erin, lesson=intro)
    _viewed(erin, intro, on(11, 24))

    services.record_lesson_view(student=grace, lesson=intro)
    services.complete_lesson(student=grace, lesson=intro)
    LessonProgress.objects.filter(student=grace).update(
        first_viewed_at=on(11, 10), last_viewed_at=on(11, 10), completed_at=on(11, 10)
    )
    services.unsubscribe(user=grace, course=cs101)

    type(essay).objects.filter(pk=essay.pk).update(due_at=on(11, 20))
    bonus = w.lesson(week, "Bonus", position=40)  # after carol finished the course
    for student, moment in ((frank, on(10, 20)), (carol, on(11, 3)), (dave, on(11, 17)), (erin, on(11, 24))):
        Subscription.objects.filter(student=student, course=cs101).update(subscribed_at=moment)
    services.rebuild_analytics()  # the rows were dated by hand, around the services: as after a bulk seed
    return {
        "course": cs101,
        "lessons": {"intro": intro, "quiz": quiz.lesson, "essay": essay.lesson, "bonus": bonus},
        "questions": (first, second),
        "students": {"carol": carol, "dave": dave, "erin": erin, "frank": frank, "grace": grace},
    }
