"""A course's open analytics dashboard follows what its students do (notifications/live_analytics.py):
completing a lesson, submitting and posting send the changed sections as live parts, on the
instructor's own topic only (never the course's, which its students follow), rendered from the
dashboard's own partial with the numbers as they are now."""

import re

import pytest

from courses import services
from courses.models import Course
from lms_site.testing import content as w
from notifications.models import Event
from notifications.rendering import event_message, event_messages

pytestmark = [pytest.mark.django_db]


def parts_of(event) -> dict[str, str]:
    return {part["key"]: part["html"] for part in event_message(event)["parts"]}


def analytics_events(course) -> list[Event]:
    return list(Event.objects.filter(payload__object="analytics", course=course).order_by("id"))


def funnel_cell(html: str, lesson) -> str:
    return re.search(rf'<tr data-key="{lesson.pk}">\s*<th scope="row">[^<]*</th><td>(\d+)</td>', html).group(1)


@pytest.fixture
def lessons(cs101):
    week = w.module(cs101)
    return w.lesson(week, "Intro", position=0), w.lesson(week, "Loops", position=1)


def test_completing_a_lesson_sends_the_funnel_to_the_instructor_only(alice, carol, carol_in_cs101, cs101, lessons):
    intro, _loops = lessons
    services.complete_lesson(student=carol, lesson=intro)
    [event] = analytics_events(cs101)
    assert event.topic == f"user:{alice.pk}" and event.is_quiet
    assert event.payload["sections"] == ["funnel", "activity", "at_risk"]
    parts = parts_of(event)
    assert set(parts) == {f"analytics-{cs101.pk}-{name}" for name in ("funnel", "activity", "at_risk")}
    funnel = parts[f"analytics-{cs101.pk}-funnel"]
    assert funnel.startswith(f'<section class="analytics-section" data-live="analytics-{cs101.pk}-funnel"')
    assert funnel_cell(funnel, intro) == "1"
    # Nothing of it on the course's topic, which its students follow.
    for course_event in Event.objects.filter(topic=f"course:{cs101.code}"):
        assert not [key for key in parts_of(course_event) if key.startswith("analytics-")]


def test_a_quiz_adds_the_quiz_section(alice, carol, carol_in_cs101, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    question = w.single(quiz)
    w.take(carol, quiz, {question.pk: [w.choice_id(question, "4")]})
    [event] = analytics_events(cs101)
    assert "quizzes" in event.payload["sections"]
    assert "90-100%" in parts_of(event)[f"analytics-{cs101.pk}-quizzes"]


def test_submitting_sends_the_assignments_section(alice, carol, carol_in_cs101, cs101, media):
    essay = w.assignment_lesson(w.module(cs101))
    services.submit_assignment(student=carol, assignment=essay, text="Mine")
    submitted = Event.objects.get(kind=Event.Kind.ASSIGNMENT_SUBMITTED)
    parts = parts_of(submitted)
    assert set(parts) == {f"analytics-{cs101.pk}-{name}" for name in ("assignments", "activity", "at_risk")}
    assert "1 submissions wait for a grade" in parts[f"analytics-{cs101.pk}-assignments"]


def test_posting_sends_the_discussions_section(alice, carol, carol_in_cs101, cs101):
    services.start_thread(author=carol, course=cs101, title="Stuck", body="Help")
    [event] = analytics_events(cs101)
    assert event.topic == f"user:{alice.pk}"
    assert "Stuck" in parts_of(event)[f"analytics-{cs101.pk}-discussions"]  # unanswered


def test_a_former_instructors_events_render_nothing(alice, bob, carol, carol_in_cs101, cs101, lessons):
    services.complete_lesson(student=carol, lesson=lessons[0])
    Course.objects.filter(pk=cs101.pk).update(instructor=bob)
    [event] = analytics_events(cs101)
    assert parts_of(event) == {}


def test_a_replay_renders_each_courses_section_once(alice, carol, dave, carol_in_cs101, dave_in_cs101, cs101, lessons):
    for student in (carol, dave):
        for lesson in lessons:
            services.complete_lesson(student=student, lesson=lesson)
    events = analytics_events(cs101)
    assert len(events) == 4
    messages = event_messages(Event.objects.filter(pk__in=[e.pk for e in events]).order_by("id"))
    rendered = [part["key"] for message in messages for part in message["parts"]]
    assert sorted(rendered) == sorted(f"analytics-{cs101.pk}-{name}" for name in ("funnel", "activity", "at_risk"))
    assert all(not message["parts"] for message in messages[:-1])  # the newest renders the state now
    newest = {part["key"]: part["html"] for part in messages[-1]["parts"]}
    assert funnel_cell(newest[f"analytics-{cs101.pk}-funnel"], lessons[1]) == "2"


def site_sections_told() -> list[list[str]]:
    """The sections each quiet event on the staff topic told site admins' dashboards to read again."""
    told = Event.objects.filter(topic="staff", payload__object="site_analytics").order_by("id")
    return [event.payload["sections"] for event in told]


def test_site_admins_dashboards_are_told_which_sections_changed_and_get_no_parts(
    alice, carol, carol_in_cs101, cs101, lessons, media
):
    intro, _loops = lessons
    assert site_sections_told() == [["courses", "people"]]  # carol's enrolment
    Event.objects.filter(topic="staff").delete()
    services.complete_lesson(student=carol, lesson=intro)
    assert site_sections_told() == [["courses", "people"]]
    Event.objects.filter(topic="staff").delete()
    services.start_thread(author=carol, course=cs101, title="Help", body="Please")
    assert site_sections_told() == [["courses", "people", "work"]]
    Event.objects.filter(topic="staff").delete()
    essay = w.assignment_lesson(intro.module, max_points=10)
    submission = services.submit_assignment(student=carol, assignment=essay, text="Mine")
    # One more to grade, and active (the lesson's completion tells it too: the page reads once).
    assert ["courses", "people", "work"] in site_sections_told()
    Event.objects.filter(topic="staff").delete()
    services.grade_submission(submission=submission, points=8, feedback="Good", by=alice)
    assert site_sections_told() == [["work"]]  # the grading backlog
    [staff_event] = Event.objects.filter(topic="staff")
    assert staff_event.is_quiet and event_message(staff_event)["parts"] == []
    # and which of the course's own, for its dashboard opened by a site admin
    assert (staff_event.payload["course_code"], staff_event.payload["course_sections"]) == ("CS101", ["assignments"])
