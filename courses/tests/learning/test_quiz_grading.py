"""Each question type's grading rule, and the score out of the sum of points."""

import pytest

from lms_site.testing import content as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(cs101):
    return w.quiz_lesson(w.module(cs101), max_attempts=2)


@pytest.mark.parametrize(
    ("answer", "correct"), [(["4"], True), (["3"], False), (["4", "3"], False), ([], False), (None, False)]
)
def test_single_choice_is_right_only_with_the_one_correct_choice(carol, carol_in_cs101, quiz, answer, correct):
    question = w.single(quiz)
    response = [w.choice_id(question, text) for text in answer] if answer is not None else None
    assert w.take(carol, quiz, {question.pk: response}).score == (1 if correct else 0)


@pytest.mark.parametrize(
    ("answer", "correct"),
    [(["2", "3"], True), (["3", "2"], True), (["2"], False), (["2", "3", "4"], False), (["4"], False)],
)
def test_multiple_choice_is_all_or_nothing(carol, carol_in_cs101, quiz, answer, correct):
    question = w.multiple(quiz, points=2)
    response = [w.choice_id(question, text) for text in answer]
    assert w.take(carol, quiz, {question.pk: response}).score == (2 if correct else 0)


def test_a_choice_of_another_question_never_counts(carol, carol_in_cs101, quiz):
    question, other = w.single(quiz), w.single(quiz, text="Other", position=5)
    attempt = w.take(carol, quiz, {question.pk: [w.choice_id(other, "4")], other.pk: [w.choice_id(other, "4")]})
    assert attempt.score == 1
    assert attempt.answers.get(question=question).is_correct is False


@pytest.mark.parametrize(
    ("is_true", "answer", "correct"),
    [(True, "true", True), (True, "false", False), (False, "false", True), (False, "true", False), (True, None, False)],
)
def test_true_false(carol, carol_in_cs101, quiz, is_true, answer, correct):
    question = w.true_false(quiz, is_true=is_true)
    assert w.take(carol, quiz, {question.pk: answer}).score == (1 if correct else 0)


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
    assert w.take(carol, quiz, {question.pk: answer}).score == (1 if correct else 0)


def test_the_score_is_out_of_the_sum_of_points(carol, carol_in_cs101, quiz):
    s, m, t, a = w.single(quiz), w.multiple(quiz, points=2), w.true_false(quiz), w.short(quiz, points=3)
    attempt = w.take(
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
