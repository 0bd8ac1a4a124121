"""Taking a quiz through the pages, and who sees its result page."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Attempt
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(cs101):
    return w.quiz_lesson(w.module(cs101), max_attempts=2)


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
    w.take(carol, quiz, {})
    client.force_login(carol)
    assert client.get(reverse("courses:outline", args=["CS101"])).context["outline"].done == 1


@pytest.mark.parametrize(("who", "status"), [("carol", 200), ("alice", 200), ("dave", 404), ("bob", 404)])
def test_a_result_is_seen_by_its_student_and_the_instructor_only(
    client, request, carol, dave, carol_in_cs101, quiz, who, status
):
    from courses.models import Subscription

    Subscription.objects.create(student=dave, course=quiz.lesson.module.course)
    attempt = w.take(carol, quiz, {})
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
    attempt = w.take(carol, quiz, {q.pk: [w.choice_id(q, "4")] for q in made})
    url = reverse("courses:attempt", args=["CS101", attempt.pk])
    client.force_login(carol)
    client.get(url)
    # session, user, course, membership, attempt, answers, questions, choices, 4 for the header
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
