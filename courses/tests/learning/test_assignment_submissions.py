"""Assignments: submission, resubmission until the due date, the late flag, grading in the admin,
and that no student reaches another student's work or grade."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses import services
from courses.models import Submission
from lms_site.testing import content as w
from lms_site.testing.events import events_after, newest_id

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def essay(cs101):
    return w.assignment_lesson(w.module(cs101), max_points=10, due_at=w.later(days=2))


def pdf(name="essay.pdf", content=b"%PDF-1.4 my essay"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_submission_before_the_due_date_is_on_time(carol, carol_in_cs101, essay):
    submission = services.submit_assignment(student=carol, assignment=essay, text="My essay", file=pdf())
    assert (submission.is_late, submission.revision) == (False, 1)
    assert submission.file.read() == b"%PDF-1.4 my essay"


def test_resubmission_replaces_the_work_until_the_due_date(carol, carol_in_cs101, essay):
    services.submit_assignment(student=carol, assignment=essay, text="Draft")
    submission = services.submit_assignment(student=carol, assignment=essay, text="Final")
    assert (submission.text, submission.revision) == ("Final", 2)
    assert Submission.objects.count() == 1
    essay.due_at = w.ago(minutes=1)
    essay.save()
    with pytest.raises(ValidationError, match="due date has passed"):
        services.submit_assignment(student=carol, assignment=essay, text="Too late to change")
    submission.refresh_from_db()
    assert submission.text == "Final"


def test_a_first_submission_after_the_due_date_is_accepted_and_flagged_late(carol, carol_in_cs101, essay):
    essay.due_at = w.ago(hours=1)
    essay.save()
    submission = services.submit_assignment(student=carol, assignment=essay, text="Sorry")
    assert submission.is_late is True


def test_a_submission_needs_text_or_a_file_of_an_accepted_kind(carol, carol_in_cs101, essay):
    with pytest.raises(ValidationError, match="Write a text or attach a file"):
        services.submit_assignment(student=carol, assignment=essay, text="   ")
    essay.accepts_file = False
    essay.save()
    with pytest.raises(ValidationError, match="no file"):
        services.submit_assignment(student=carol, assignment=essay, file=pdf())


def test_a_graded_submission_is_final(alice, carol, carol_in_cs101, essay):
    submission = services.submit_assignment(student=carol, assignment=essay, text="Essay")
    submission.record_grade(points=8, feedback="Well argued", grader=alice)
    with pytest.raises(ValidationError, match="graded"):
        services.submit_assignment(student=carol, assignment=essay, text="Better essay")


def test_points_cannot_exceed_the_maximum(alice, carol, carol_in_cs101, essay):
    submission = services.submit_assignment(student=carol, assignment=essay, text="Essay")
    with pytest.raises(ValidationError):
        submission.record_grade(points=11, feedback="", grader=alice)


def test_only_subscribed_students_submit(alice, dave, essay):
    from django.core.exceptions import PermissionDenied

    for person in (alice, dave):
        with pytest.raises(PermissionDenied):
            services.submit_assignment(student=person, assignment=essay, text="x")


# Events


def test_submitting_tells_the_instructor_and_grading_tells_the_student(alice, carol, carol_in_cs101, essay):
    before = newest_id()
    submission = services.submit_assignment(student=carol, assignment=essay, text="Essay")
    services.submit_assignment(student=carol, assignment=essay, text="Essay, revised")
    submission.refresh_from_db()
    submission.record_grade(points=8, feedback="Good", grader=alice)
    submission.record_grade(points=8, feedback="Good", grader=alice)  # nothing changed: no news
    submission.record_grade(points=9, feedback="Good, regraded", grader=alice)
    staff = ("content_changed", "staff")  # quiet: the site admins' open analytics follow
    assert events_after(before) == [
        ("assignment_submitted", f"user:{alice.pk}"),
        staff,
        ("content_changed", f"user:{carol.pk}"),  # quiet: her open progress bars follow
        ("content_changed", f"user:{alice.pk}"),  # quiet: the course's open analytics follow
        staff,
        ("course_completed", f"user:{alice.pk}"),  # the essay is the course's only lesson
        ("course_completed", f"user:{carol.pk}"),
        ("assignment_submitted", f"user:{alice.pk}"),
        staff,
        ("content_changed", f"user:{alice.pk}"),  # graded: the course's open backlog follows
        staff,
        ("grade_posted", f"user:{carol.pk}"),
        ("grade_posted", f"user:{carol.pk}"),
    ]


def test_grading_in_the_admin_posts_the_grade_live(client, alice, carol, carol_in_cs101, essay):
    submission = services.submit_assignment(student=carol, assignment=essay, text="Essay")
    client.force_login(alice)
    before = newest_id()
    url = reverse("admin:courses_submission_change", args=[submission.pk])
    response = client.post(url, {"points": 9, "feedback": "**Great** work"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.points, submission.graded_by) == (9, alice)
    assert events_after(before) == [
        ("content_changed", f"user:{alice.pk}"),  # quiet: the course's open grading backlog follows
        ("content_changed", "staff"),  # and the site admins'
        ("grade_posted", f"user:{carol.pk}"),
    ]


def test_an_instructor_cannot_grade_another_courses_submission(client, bob, carol, carol_in_cs101, essay):
    submission = services.submit_assignment(student=carol, assignment=essay, text="Essay")
    client.force_login(bob)
    url = reverse("admin:courses_submission_change", args=[submission.pk])
    assert client.post(url, {"points": 1, "feedback": "x"}).status_code in (302, 403)
    submission.refresh_from_db()
    assert submission.points is None
    assert "Carol" not in client.get(reverse("admin:courses_submission_changelist")).text


# Pages and permissions


def test_a_student_submits_a_file_through_the_lesson_page(client, carol, carol_in_cs101, essay):
    client.force_login(carol)
    url = reverse("courses:assignment_submit", args=["CS101", essay.lesson.pk])
    response = client.post(url, {"text": "See the file", "file": pdf()})
    assert response.status_code == 302
    page = client.get(reverse("courses:lesson", args=["CS101", essay.lesson.pk]))
    assert "Your submission" in page.text and "essay.pdf" in page.text and "Resubmit" in page.text


def test_the_student_sees_their_grade_and_feedback(client, alice, carol, carol_in_cs101, essay):
    services.submit_assignment(student=carol, assignment=essay, text="Essay").record_grade(
        points=7, feedback="Cite *sources*", grader=alice
    )
    client.force_login(carol)
    page = client.get(reverse("courses:lesson", args=["CS101", essay.lesson.pk])).text
    assert "7/10" in page and "Cite <em>sources</em>" in page
    assert "7/10" in client.get(reverse("courses:grades", args=["CS101"])).text


def test_a_student_never_sees_another_students_submission_or_grade(
    client, alice, carol, dave, carol_in_cs101, dave_in_cs101, essay
):
    carols = services.submit_assignment(student=carol, assignment=essay, text="Carol's secret essay", file=pdf())
    carols.record_grade(points=3, feedback="Carol must redo", grader=alice)
    client.force_login(dave)
    lesson_page = client.get(reverse("courses:lesson", args=["CS101", essay.lesson.pk])).text
    grades_page = client.get(reverse("courses:grades", args=["CS101"])).text
    for page in (lesson_page, grades_page):
        assert "Carol" not in page and "secret" not in page and "3/10" not in page
    # Direct URLs: the file, the admin.
    assert client.get(reverse("courses:submission_file", args=["CS101", carols.pk])).status_code == 404
    assert client.get(reverse("admin:courses_submission_change", args=[carols.pk])).status_code == 302  # to login


@pytest.mark.parametrize(("who", "status"), [("carol", 200), ("alice", 200), ("root", 200), ("bob", 404)])
def test_a_submitted_file_is_served_to_its_student_and_the_instructor_only(
    client, request, carol, carol_in_cs101, essay, who, status
):
    submission = services.submit_assignment(student=carol, assignment=essay, file=pdf())
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("courses:submission_file", args=["CS101", submission.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 my essay"
        assert response["Content-Disposition"].startswith("attachment")


def test_a_submission_of_another_course_is_not_reachable_through_mine(client, bob, carol, carol_in_cs101, essay, ma201):
    submission = services.submit_assignment(student=carol, assignment=essay, file=pdf())
    client.force_login(bob)
    assert client.get(reverse("courses:submission_file", args=["MA201", submission.pk])).status_code == 404
