"""A posted grade carries the live parts of the student's open pages (notifications/live_grades.py):
the grade row and totals of the course's grades page, the course's row on /grades/, the
assignment's grade and feedback (and its form removed), the quiz's attempts. Rendered for the one
student whose topic it is, from what the database holds."""

from decimal import Decimal

import pytest

from courses import services
from lms_site.testing import content as w
from lms_site.testing.api import client_for
from notifications.models import Event
from notifications.rendering import event_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def newest_grade(student) -> Event:
    return Event.objects.filter(kind=Event.Kind.GRADE_POSTED, topic=f"user:{student.pk}").latest("id")


def parts_of(event) -> dict[str, str]:
    return {part["key"]: part["html"] for part in event_message(event)["parts"]}


@pytest.fixture
def essay(cs101):
    return w.assignment_lesson(w.module(cs101), max_points=10, weight=Decimal(2))


def test_grading_an_assignment_sends_its_grade_row_totals_and_panel(alice, carol, carol_in_cs101, cs101, essay):
    submission = services.submit_assignment(student=carol, assignment=essay, text="Mine")
    services.grade_submission(submission=submission, points=7, feedback="Cite *sources*", by=alice)
    event = newest_grade(carol)
    assert event.payload["submission_id"] == submission.pk
    parts = parts_of(event)
    assert set(parts) == {
        f"grade-row-{essay.lesson.pk}",
        f"grade-totals-{cs101.pk}",
        f"course-grade-{cs101.pk}",
        f"assignment-grade-{essay.pk}",
        f"assignment-form-{essay.pk}",
    }
    row = parts[f"grade-row-{essay.lesson.pk}"]
    assert row.startswith(f'<tr data-live="grade-row-{essay.lesson.pk}"') and "7/10" in row and "70.0%" in row
    assert (
        "70.0%" in parts[f"grade-totals-{cs101.pk}"]
        and "1.40 of 2 weighted points" in parts[f"grade-totals-{cs101.pk}"]
    )
    assert parts[f"course-grade-{cs101.pk}"].startswith(f'<tr data-live="course-grade-{cs101.pk}"')
    panel = parts[f"assignment-grade-{essay.pk}"]
    assert "7/10" in panel and "Cite <em>sources</em>" in panel and "<time" in panel
    assert parts[f"assignment-form-{essay.pk}"] == ""  # a graded submission is final: the form goes


def test_a_regrade_sends_the_new_grade(alice, carol, carol_in_cs101, cs101, essay):
    submission = services.submit_assignment(student=carol, assignment=essay, text="Mine")
    services.grade_submission(submission=submission, points=7, feedback="Good", by=alice)
    services.grade_submission(submission=submission, points=9, feedback="Better", by=alice)
    panel = parts_of(newest_grade(carol))[f"assignment-grade-{essay.pk}"]
    assert "9/10" in panel and "Better" in panel and "7/10" not in panel


def test_a_submitted_quiz_sends_its_attempts_and_grade_row(carol, carol_in_cs101, cs101):
    quiz = w.quiz_lesson(w.module(cs101), max_attempts=2)
    question = w.single(quiz, points=2)
    w.take(carol, quiz, {question.pk: [w.choice_id(question, "3")]})
    attempt = w.take(carol, quiz, {question.pk: [w.choice_id(question, "4")]})
    event = newest_grade(carol)
    assert event.payload["attempt_id"] == attempt.pk
    parts = parts_of(event)
    attempts = parts[f"quiz-attempts-{quiz.pk}"]
    assert "Attempt 1" in attempts and "0/2" in attempts and "Attempt 2" in attempts and "2/2" in attempts
    assert "2/2" in parts[f"grade-row-{quiz.lesson.pk}"] and "100.0%" in parts[f"grade-totals-{cs101.pk}"]


def test_the_parts_show_only_the_graded_students_own_grades(
    alice, carol, dave, carol_in_cs101, dave_in_cs101, cs101, essay
):
    carols = services.submit_assignment(student=carol, assignment=essay, text="Carol's")
    services.grade_submission(submission=carols, points=3, feedback="Carol must redo", by=alice)
    daves = services.submit_assignment(student=dave, assignment=essay, text="Dave's")
    services.grade_submission(submission=daves, points=10, feedback="Dave is done", by=alice)
    event = newest_grade(dave)
    html = "".join(parts_of(event).values())
    assert event.topic == f"user:{dave.pk}"
    assert "10/10" in html and "Dave is done" in html
    assert "3/10" not in html and "Carol" not in html
    # Only Dave receives it (his own topic): Carol's API replay has her grade alone.
    carol_events = client_for(carol).get("/api/v1/events").json()["results"]
    carol_parts = "".join(p["html"] for e in carol_events if e["kind"] == "grade_posted" for p in e["parts"])
    assert "3/10" in carol_parts and "10/10" not in carol_parts


def test_an_event_written_before_events_named_their_item_changes_the_totals_only(
    alice, carol, carol_in_cs101, cs101, essay
):
    submission = services.submit_assignment(student=carol, assignment=essay, text="Mine")
    services.grade_submission(submission=submission, points=5, feedback="", by=alice)
    event = newest_grade(carol)
    del event.payload["submission_id"]
    assert set(parts_of(event)) == {f"grade-totals-{cs101.pk}", f"course-grade-{cs101.pk}"}


def test_the_api_replay_carries_the_parts(alice, carol, carol_in_cs101, essay):
    submission = services.submit_assignment(student=carol, assignment=essay, text="Mine")
    services.grade_submission(submission=submission, points=8, feedback="", by=alice)
    (item,) = [e for e in client_for(carol).get("/api/v1/events").json()["results"] if e["kind"] == "grade_posted"]
    assert {part["key"] for part in item["parts"]} >= {f"grade-row-{essay.lesson.pk}", f"assignment-grade-{essay.pk}"}
