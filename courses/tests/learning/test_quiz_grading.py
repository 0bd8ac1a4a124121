"""Quizzes: each question type's grading rule, attempt limits, time limits and due dates enforced on
the server, the grade_posted event, the result page, and the gradebook exports."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from courses import services
from courses.models import Attempt, Question
from lms_site.testing import content as w
from lms_site.testing.events import events_after, newest_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(cs101):
    return w.quiz_lesson(w.module(cs101), max_attempts=2)


def take(student, quiz, responses):
    attempt = services.start_attempt(student=student, quiz=quiz)
    return services.submit_attempt(attempt=attempt, responses=responses)


# Each question type


@pytest.mark.parametrize(
    ("answer", "correct"), [(["4"], True), (["3"], False), (["4", "3"], False), ([], False), (None, False)]
)
def test_single_choice_is_right_only_with_the_one_correct_choice(carol, carol_in_cs101, quiz, answer, correct):
    question = w.single(quiz)
    response = [w.choice_id(question, text) for text in answer] if answer is not None else None
    assert take(carol, quiz, {question.pk: response}).score == (1 if correct else 0)


@pytest.mark.parametrize(
    ("answer", "correct"),
    [(["2", "3"], True), (["3", "2"], True), (["2"], False), (["2", "3", "4"], False), (["4"], False)],
)
def test_multiple_choice_is_all_or_nothing(carol, carol_in_cs101, quiz, answer, correct):
    question = w.multiple(quiz, points=2)
    response = [w.choice_id(question, text) for text in answer]
    assert take(carol, quiz, {question.pk: response}).score == (2 if correct else 0)


def test_a_choice_of_another_question_never_counts(carol, carol_in_cs101, quiz):
    question, other = w.single(quiz), w.single(quiz, text="Other", position=5)
    attempt = take(carol, quiz, {question.pk: [w.choice_id(other, "4")], other.pk: [w.choice_id(other, "4")]})
    assert attempt.score == 1
    assert attempt.answers.get(question=question).is_correct is False


@pytest.mark.parametrize(
    ("is_true", "answer", "correct"),
    [(True, "true", True), (True, "false", False), (False, "false", True), (False, "true", False), (True, None, False)],
)
def test_true_false(carol, carol_in_cs101, quiz, is_true, answer, correct):
    question = w.true_false(quiz, is_true=is_true)
    assert take(carol, quiz, {question.pk: answer}).score == (1 if correct else 0)


@pytest.mark.parametrize(
    ("answer", "correct"),
    [
        ("Paris", True),
        ("paris", True),
        ("  PARIS ", True),
        ("paris,   france", True),  # another accepted answer, spacing ignored
        ("Pari", False),
        ("Paris!", False),
        ("", False),
        ("Lyon", False),
    ],
)
def test_short_answer_is_exact_case_insensitive_with_several_accepted(carol, carol_in_cs101, quiz, answer, correct):
    question = w.short(quiz)
    assert take(carol, quiz, {question.pk: answer}).score == (1 if correct else 0)


def test_the_score_is_out_of_the_sum_of_points(carol, carol_in_cs101, quiz):
    s, m, t, a = w.single(quiz), w.multiple(quiz, points=2), w.true_false(quiz), w.short(quiz, points=3)
    attempt = take(
        carol,
        quiz,
        {
            s.pk: [w.choice_id(s, "4")],
            m.pk: [w.choice_id(m, "2")],  # half right: no points
            t.pk: "true",
            a.pk: "paris",
        },
    )
    assert (attempt.score, attempt.max_score) == (5, 7)
    assert [answer.is_correct for answer in attempt.answers.order_by("question__position")] == [True, False, True, True]


# Attempts, time limits, due dates


def test_an_open_attempt_is_resumed_not_duplicated(carol, carol_in_cs101, quiz):
    first = services.start_attempt(student=carol, quiz=quiz)
    assert services.start_attempt(student=carol, quiz=quiz) == first


def test_the_attempt_limit_is_enforced(carol, carol_in_cs101, quiz):
    w.single(quiz)
    take(carol, quiz, {})
    take(carol, quiz, {})
    with pytest.raises(ValidationError, match="all 2 attempt"):
        services.start_attempt(student=carol, quiz=quiz)
    assert Attempt.objects.filter(student=carol).count() == 2


def test_unlimited_attempts(carol, carol_in_cs101, quiz):
    quiz.max_attempts = None
    quiz.save()
    for _ in range(4):
        take(carol, quiz, {})
    assert Attempt.objects.filter(student=carol).count() == 4


def test_submitting_twice_grades_once(carol, carol_in_cs101, quiz):
    question = w.single(quiz)
    attempt = services.start_attempt(student=carol, quiz=quiz)
    services.submit_attempt(attempt=attempt, responses={question.pk: [w.choice_id(question, "4")]})
    again = services.submit_attempt(attempt=attempt, responses={question.pk: [w.choice_id(question, "3")]})
    assert again.score == 1
    assert attempt.answers.count() == 1


def test_answers_after_the_time_limit_are_not_counted(carol, carol_in_cs101, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    question = w.single(quiz)
    attempt = services.start_attempt(student=carol, quiz=quiz)
    assert attempt.deadline is not None
    Attempt.objects.filter(pk=attempt.pk).update(deadline=w.ago(minutes=1))  # the clock ran out
    attempt.refresh_from_db()
    graded = services.submit_attempt(attempt=attempt, responses={question.pk: [w.choice_id(question, "4")]})
    assert (graded.score, graded.expired) == (0, True)


def test_answers_within_the_grace_after_the_limit_still_count(carol, carol_in_cs101, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    question = w.single(quiz)
    attempt = services.start_attempt(student=carol, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=w.ago(seconds=5))
    attempt.refresh_from_db()
    graded = services.submit_attempt(attempt=attempt, responses={question.pk: [w.choice_id(question, "4")]})
    assert (graded.score, graded.expired) == (1, False)


def test_an_expired_open_attempt_is_closed_and_counts_when_the_student_comes_back(carol, carol_in_cs101, quiz):
    quiz.time_limit_minutes = 5
    quiz.max_attempts = 1
    quiz.save()
    attempt = services.start_attempt(student=carol, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=w.ago(minutes=2))
    with pytest.raises(ValidationError, match="all 1 attempt"):
        services.start_attempt(student=carol, quiz=quiz)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.expired, attempt.is_open) == (0, True, False)


def test_no_attempt_starts_after_the_due_date(carol, carol_in_cs101, quiz):
    quiz.due_at = w.ago(minutes=1)
    quiz.save()
    with pytest.raises(ValidationError, match="closed"):
        services.start_attempt(student=carol, quiz=quiz)


def test_the_due_date_caps_an_attempts_deadline(carol, carol_in_cs101, quiz):
    quiz.time_limit_minutes = 60
    quiz.due_at = w.later(minutes=5)
    quiz.save()
    attempt = services.start_attempt(student=carol, quiz=quiz)
    assert attempt.deadline == quiz.due_at


def test_only_subscribed_students_take_quizzes(alice, dave, quiz):
    for person in (alice, dave):
        with pytest.raises(PermissionDenied):
            services.start_attempt(student=person, quiz=quiz)


# Events


def test_grading_tells_only_the_student_once(carol, carol_in_cs101, quiz):
    w.lesson(quiz.lesson.module, "Still to read")  # so the course is not completed by this quiz
    question = w.single(quiz)
    attempt = services.start_attempt(student=carol, quiz=quiz)
    before = newest_id()
    services.submit_attempt(attempt=attempt, responses={question.pk: [w.choice_id(question, "4")]})
    services.submit_attempt(attempt=attempt, responses={})
    assert events_after(before) == [("grade_posted", f"user:{carol.pk}")]


def test_starting_an_attempt_tells_nobody(carol, carol_in_cs101, quiz):
    before = newest_id()
    services.start_attempt(student=carol, quiz=quiz)
    assert events_after(before) == []


# Pages


def test_a_student_takes_the_quiz_through_the_pages(client, carol, carol_in_cs101, quiz):
    s, t = w.single(quiz), w.true_false(quiz, is_true=False)
    client.force_login(carol)
    response = client.post(reverse("courses:quiz_start", args=["CS101", quiz.lesson.pk]))
    attempt = Attempt.objects.get(student=carol)
    assert response["Location"] == reverse("courses:attempt", args=["CS101", attempt.pk])
    page = client.get(response["Location"])
    assert "Question 2" in page.text
    response = client.post(page.request["PATH_INFO"], {f"q{s.pk}": w.choice_id(s, "4"), f"q{t.pk}": "true"})
    result = client.get(response["Location"])
    assert "Score: <strong>1 / 2</strong>" in result.text
    assert result.text.count("Incorrect") == 1


def test_the_quiz_lesson_is_complete_after_a_submission(client, carol, carol_in_cs101, quiz):
    take(carol, quiz, {})
    client.force_login(carol)
    assert client.get(reverse("courses:outline", args=["CS101"])).context["outline"].done == 1


@pytest.mark.parametrize(("who", "status"), [("carol", 200), ("alice", 200), ("dave", 404), ("bob", 404)])
def test_a_result_is_seen_by_its_student_and_the_instructor_only(
    client, request, carol, dave, carol_in_cs101, quiz, who, status
):
    from courses.models import Subscription

    Subscription.objects.create(student=dave, course=quiz.lesson.module.course)
    attempt = take(carol, quiz, {})
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("courses:attempt", args=["CS101", attempt.pk])).status_code == status


def test_another_students_open_attempt_cannot_be_submitted(client, carol, dave, carol_in_cs101, quiz):
    from courses.models import Subscription

    Subscription.objects.create(student=dave, course=quiz.lesson.module.course)
    attempt = services.start_attempt(student=carol, quiz=quiz)
    client.force_login(dave)
    assert client.post(reverse("courses:attempt", args=["CS101", attempt.pk]), {}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open


@pytest.mark.parametrize("questions", [1, 6])
def test_the_result_page_query_count_does_not_grow(
    client, carol, carol_in_cs101, quiz, django_assert_num_queries, questions
):
    made = [w.single(quiz, text=f"Q{n}", position=n) for n in range(questions)]
    attempt = take(carol, quiz, {q.pk: [w.choice_id(q, "4")] for q in made})
    url = reverse("courses:attempt", args=["CS101", attempt.pk])
    client.force_login(carol)
    client.get(url)
    # session, user, course, membership, attempt, answers, questions, choices, 4 for the header
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


# Gradebook


@pytest.fixture
def graded(cs101, carol, dave, carol_in_cs101, quiz):
    from courses.models import Subscription

    Subscription.objects.create(student=dave, course=cs101)
    question = w.single(quiz, points=4)
    take(carol, quiz, {question.pk: [w.choice_id(question, "3")]})
    take(carol, quiz, {question.pk: [w.choice_id(question, "4")]})  # the best attempt counts
    assignment = w.assignment_lesson(quiz.lesson.module, max_points=10)
    submission = services.submit_assignment(student=dave, assignment=assignment, text="My essay")
    submission.record_grade(points=7, feedback="Good", grader=cs101.instructor)
    return cs101


def test_export_grades_writes_the_gradebook(graded, capsys):
    call_command("export_grades", "CS101")
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == [
        "course",
        "username",
        "name",
        "lessons completed (of 2)",
        "quiz: Check-in quiz (/4)",
        "assignment: Essay (/10)",
        "late submissions",
    ]
    assert rows[1:] == [
        ["CS101", "carol", "Carol Chen", "1", "4", "", "0"],
        ["CS101", "dave", "Dave Diaz", "1", "", "7", "0"],
    ]


def test_export_grades_rejects_an_unknown_course(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_grades", "NOPE")


def test_the_admin_exports_the_gradebook_of_my_course_only(client, alice, bob, graded, ma201):
    client.force_login(alice)
    changelist = reverse("admin:courses_gradebook_changelist")
    response = client.post(changelist, {"action": "export_csv", "_selected_action": [graded.pk, ma201.pk]})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "carol" in text and "MA201" not in text
    client.force_login(bob)
    assert client.get(reverse("admin:courses_gradebook_csv", args=[graded.pk])).status_code == 404


def test_the_admin_lists_attempts_per_student_for_the_instructor_only(client, alice, bob, carol, graded):
    client.force_login(alice)
    response = client.get(reverse("admin:courses_attempt_changelist"))
    assert response.status_code == 200
    assert "Carol Chen" in response.text and "4/4" in response.text
    client.force_login(bob)
    assert "Carol Chen" not in client.get(reverse("admin:courses_attempt_changelist")).text


def test_question_kinds_validate_in_the_admin(client, alice, quiz):
    client.force_login(alice)
    url = reverse("admin:courses_question_add")
    data = {
        "quiz": quiz.pk,
        "position": 0,
        "kind": "single",
        "text": "Pick one",
        "points": 1,
        "choices-TOTAL_FORMS": 2,
        "choices-INITIAL_FORMS": 0,
        "choices-0-text": "A",
        "choices-0-is_correct": "on",
        "choices-0-position": 0,
        "choices-1-text": "B",
        "choices-1-is_correct": "on",
        "choices-1-position": 1,
    }
    response = client.post(url, data)
    assert response.status_code == 200  # two correct choices: refused
    assert "exactly one correct" in response.text
    data.pop("choices-1-is_correct")
    assert client.post(url, data).status_code == 302
    assert Question.objects.get(text="Pick one").choices.filter(is_correct=True).count() == 1
