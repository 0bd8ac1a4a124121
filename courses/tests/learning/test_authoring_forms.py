"""Forms that fit the kind: a lesson's page shows only its kind's fields (a new one asks the kind
first), "Announced at" is for site admins only, and a quiz's page shows its questions with their
choices under each, in a number of queries that does not grow with the questions."""

import re

import pytest
from django.urls import reverse

from lms_site.testing import content as w

pytestmark = pytest.mark.django_db

CONTENT = ["body", "video", "embed_url", "file"]


def field_names(response) -> set[str]:
    return set(response.context["adminform"].form.fields)


@pytest.mark.parametrize(
    "kind, shown",
    [
        ("text", {"body"}),
        ("video", {"body", "video", "embed_url"}),
        ("file", {"body", "file"}),
        ("quiz", {"body"}),
        ("assignment", {"body"}),
    ],
)
def test_a_new_lesson_of_a_kind_shows_only_that_kinds_fields(client, alice, kind, shown):
    client.force_login(alice)
    response = client.get(reverse("admin:courses_lesson_add") + f"?kind={kind}")
    assert response.status_code == 200
    assert field_names(response) & set(CONTENT) == shown
    assert response.context["adminform"].form.initial["kind"] == kind


def test_the_lesson_list_offers_to_add_a_lesson_of_each_kind(client, alice):
    client.force_login(alice)
    page = client.get(reverse("admin:courses_lesson_changelist")).text
    for kind in ("text", "video", "file", "quiz", "assignment"):
        assert f'href="{reverse("admin:courses_lesson_add")}?kind={kind}"' in page
    assert "Add a video lesson" in page


def test_a_quiz_lessons_page_has_no_video_or_file_fields(client, alice, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    client.force_login(alice)
    response = client.get(reverse("admin:courses_lesson_change", args=[quiz.lesson.pk]))
    assert field_names(response) & set(CONTENT) == {"body"}
    assert "Introduction" in response.text


def test_a_lesson_changed_to_video_and_refused_comes_back_with_the_video_fields(client, alice, cs101):
    lesson = w.lesson(w.module(cs101), "Talk")
    client.force_login(alice)
    data = {"module": lesson.module_id, "title": "Talk", "kind": "video", "position": 0, "body": lesson.body}
    response = client.post(reverse("admin:courses_lesson_change", args=[lesson.pk]), data | {"is_published": "on"})
    assert response.status_code == 200
    assert {"video", "embed_url"} <= field_names(response)
    assert "A published video lesson needs its video." in response.text
    link = {"embed_url": "https://youtu.be/dQw4w9WgXcQ", "is_published": "on"}
    response = client.post(reverse("admin:courses_lesson_change", args=[lesson.pk]), data | link)
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.kind, lesson.is_published, lesson.body) == ("video", True, "# Talk\n\nSome *text*.")


def test_a_video_lesson_states_the_upload_rules_before_any_error(client, alice, cs101, settings):
    settings.MAX_UPLOAD_MB = 25
    lesson = w.lesson(w.module(cs101), "Clip", kind="video", embed_url="https://youtu.be/dQw4w9WgXcQ")
    client.force_login(alice)
    page = client.get(reverse("admin:courses_lesson_change", args=[lesson.pk])).text
    assert "A video file: mp4, m4v, webm, ogv, ogg, mov. At most 25 MB." in page
    assert "Markdown:" in page


def test_announced_at_is_hidden_from_instructors_and_read_only_for_site_admins(client, alice, root, cs101):
    lesson = w.lesson(w.module(cs101))
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    client.force_login(alice)
    response = client.get(url)
    assert "Announced at" not in response.text
    assert "announced_at" not in field_names(response)
    assert "Announced at" not in client.get(reverse("admin:courses_lesson_changelist")).text
    client.force_login(root)
    response = client.get(url)
    assert "Announced at" in response.text
    assert "announced_at" not in field_names(response)  # shown, not editable


def question_rows(quiz, count):
    for n in range(count):
        [w.single, w.multiple, w.true_false, w.short][n % 4](quiz, text=f"Question {n}", position=n)


def test_the_quiz_page_shows_each_questions_choices_under_it(client, alice, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    w.single(quiz, text="2 + 2 = ?")
    w.true_false(quiz, is_true=False)
    client.force_login(alice)
    page = client.get(reverse("admin:courses_quiz_change", args=[quiz.pk])).text
    assert re.search(r'name="questions-0-choices"[^>]*>\s*\* 4\n3\n5</textarea>', page)
    # True or false is True or False, not Unknown/Yes/No.
    assert 'name="questions-1-is_true" value="False"' in page and "Unknown" not in page
    assert "question_kinds.js" in page


@pytest.mark.parametrize("size", [2, 8])
def test_the_quiz_pages_queries_do_not_grow_with_its_questions(client, alice, cs101, django_assert_num_queries, size):
    quiz = w.quiz_lesson(w.module(cs101))
    question_rows(quiz, size)
    client.force_login(alice)
    url = reverse("admin:courses_quiz_change", args=[quiz.pk])
    # The same for 2 and 8 questions: their choices are prefetched, not read per question.
    with django_assert_num_queries(17):
        assert client.get(url).status_code == 200


def test_the_questions_are_not_a_separate_list_in_the_admins_index(client, alice):
    client.force_login(alice)
    page = client.get(reverse("admin:index")).text
    assert reverse("admin:courses_question_changelist") not in page
    assert reverse("admin:courses_quiz_changelist") in page


def test_new_rows_start_without_a_position_so_they_go_last(client, alice, cs101):
    week = w.module(cs101)
    quiz = w.quiz_lesson(week)
    client.force_login(alice)
    add = client.get(reverse("admin:courses_lesson_add") + "?kind=text")
    assert add.context["adminform"].form["position"].value() is None
    module_page = client.get(reverse("admin:courses_module_change", args=[week.pk])).text
    assert 'name="lessons-__prefix__-position" min="0"' in module_page  # no value="0"
    quiz_page = client.get(reverse("admin:courses_quiz_change", args=[quiz.pk])).text
    assert 'name="questions-__prefix__-position" min="0"' in quiz_page
