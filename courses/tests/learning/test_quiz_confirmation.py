"""Submitting a quiz with questions unanswered: the page lists them and asks again, the attempt
stays open and the answers given stay in the form; "Submit anyway" (or answering them all) submits.
In Chromium: the same by keyboard and mouse, axe on the confirmation page, and the countdown's
spoken warnings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courses import services
from courses.forms.learning import QuizForm
from courses.models import Attempt
from lms_site.testing import content as w


@pytest.fixture
def quiz(cs101):
    return w.quiz_lesson(w.module(cs101), max_attempts=2)


@pytest.fixture
def questions(quiz):
    return [w.single(quiz, position=0), w.true_false(quiz, position=1), w.short(quiz, position=2)]


@pytest.fixture
def attempt(carol, carol_in_cs101, quiz, questions):
    return services.start_attempt(student=carol, quiz=quiz)


def _post(client, carol, attempt, data):
    client.force_login(carol)
    return client.post(reverse("courses:attempt", args=["CS101", attempt.pk]), data)


@pytest.mark.django_db
def test_unanswered_questions_are_listed_and_the_attempt_stays_open(client, carol, attempt, questions):
    single = questions[0]
    response = _post(client, carol, attempt, {f"q{single.pk}": w.choice_id(single, "4")})
    assert response.status_code == 200
    assert "Questions 2 and 3 have no answer. Submit anyway?" in response.text
    assert 'role="alert"' in response.text
    assert 'name="confirm" value="1"' in response.text
    attempt.refresh_from_db()
    assert attempt.is_open
    assert not attempt.answers.exists()
    assert Attempt.objects.filter(student=carol).count() == 1


@pytest.mark.django_db
def test_the_answers_given_are_kept_in_the_form(client, carol, attempt, questions):
    single, true_false, _ = questions
    chosen = w.choice_id(single, "4")
    response = _post(client, carol, attempt, {f"q{single.pk}": chosen, f"q{true_false.pk}": "false"})
    assert "Question 3 has no answer. Submit anyway?" in response.text
    form = response.context["form"]
    assert form[f"q{single.pk}"].value() == str(chosen)
    assert form[f"q{true_false.pk}"].value() == "false"
    assert f'value="{chosen}" id="id_q{single.pk}_0" checked' in response.text


@pytest.mark.django_db
def test_confirming_submits_with_the_questions_unanswered(client, carol, attempt, questions):
    single = questions[0]
    response = _post(client, carol, attempt, {f"q{single.pk}": w.choice_id(single, "4"), "confirm": "1"})
    assert response["Location"] == reverse("courses:attempt", args=["CS101", attempt.pk])
    attempt.refresh_from_db()
    assert not attempt.is_open
    assert (attempt.score, attempt.max_score) == (1, 3)


@pytest.mark.django_db
def test_all_answered_submits_without_asking(client, carol, attempt, questions):
    single, true_false, short = questions
    answers = {f"q{single.pk}": w.choice_id(single, "4"), f"q{true_false.pk}": "true", f"q{short.pk}": "Paris"}
    response = _post(client, carol, attempt, answers)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 3


@pytest.mark.django_db
def test_a_blank_short_answer_counts_as_unanswered(client, carol, attempt, questions):
    single, true_false, short = questions
    answers = {f"q{single.pk}": w.choice_id(single, "4"), f"q{true_false.pk}": "true", f"q{short.pk}": "   "}
    assert "Question 3 has no answer." in _post(client, carol, attempt, answers).text


@pytest.mark.django_db
def test_after_the_deadline_it_submits_without_asking(client, carol, attempt):
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    assert _post(client, carol, attempt, {}).status_code == 302
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.expired


@pytest.mark.parametrize(
    ("numbers", "message"),
    [
        ([2], "Question 2 has no answer. Submit anyway?"),
        ([2, 4], "Questions 2 and 4 have no answer. Submit anyway?"),
        ([1, 2, 4], "Questions 1, 2 and 4 have no answer. Submit anyway?"),
    ],
)
def test_the_message_names_the_questions_by_number(numbers, message):
    form = QuizForm(questions=[])
    form.unanswered = lambda: numbers
    assert form.unanswered_message() == message


# In Chromium, against daphne


@pytest.mark.browser
@pytest.mark.usefixtures("transactional_db")
def test_a_student_is_asked_before_submitting_with_a_question_unanswered(
    logged_in_page, axe, carol, carol_in_cs101, cs101
):
    quiz = w.quiz_lesson(w.module(cs101), max_attempts=2, time_limit_minutes=10)
    w.single(quiz, position=0)
    w.true_false(quiz, position=1)
    page = logged_in_page(carol)
    page.goto(quiz.lesson.get_absolute_url())
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/attempts/**")
    page.get_by_role("group", name="Question 1").get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Question 2 has no answer. Submit anyway?")
    expect(page.get_by_role("heading", name="Question 2 has no answer. Submit anyway?")).to_be_focused()
    expect(page.get_by_role("group", name="Question 1").get_by_label("4", exact=True)).to_be_checked()
    assert Attempt.objects.get(student=carol).is_open
    assert axe(page) == [], "confirmation page"

    page.keyboard.press("Tab")  # from the focused heading, the next stop is "Submit anyway"
    expect(page.get_by_role("button", name="Submit anyway")).to_be_focused()
    page.get_by_role("button", name="Submit anyway").click()
    expect(page.locator("#score")).to_have_text("Score: 1 / 2")


@pytest.mark.browser
@pytest.mark.usefixtures("transactional_db")
@pytest.mark.parametrize(("seconds", "spoken"), [(302, "5 minutes left to submit."), (62, "1 minute left to submit.")])
def test_the_countdown_announces_a_warning_once(logged_in_page, carol, carol_in_cs101, cs101, seconds, spoken):
    quiz = w.quiz_lesson(w.module(cs101), time_limit_minutes=10)
    w.single(quiz)
    attempt = services.start_attempt(student=carol, quiz=quiz)
    page = logged_in_page(carol)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=seconds))
    page.goto(reverse("courses:attempt", args=["CS101", attempt.pk]))
    announcer = page.locator("[data-countdown-announcer]")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text("")
    expect(announcer).to_have_text(spoken, timeout=6000)
    changes = page.evaluate(
        """() => new Promise((done) => {
            let count = 0;
            const announcer = document.querySelector("[data-countdown-announcer]");
            new MutationObserver(() => count++).observe(
                announcer, { childList: true, characterData: true, subtree: true });
            setTimeout(() => done(count), 2500);
        })"""
    )
    assert changes == 0  # said once, not again every second
