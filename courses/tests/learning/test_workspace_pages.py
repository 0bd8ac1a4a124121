"""The course workspace and grading pages over Django's test client: what they show, their pinned
query counts (the same for one row as for many), bad input answered with a message or a 4xx, and
the doors to them (the admin's home grouped by course, "Edit course" on the course page). Who may
open them is the matrix in courses/tests/test_admin_scoping.py."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services
from courses.models import Lesson, Module, Submission, Subscription
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def fill(course, students, n: int):
    """n modules of n lessons (a draft, a quiz, an assignment among them), n threads, n
    submissions waiting, n attempts."""
    for m in range(n):
        week = w.module(course, f"Week {m}", position=m)
        for k in range(n):
            w.lesson(week, f"L{m}.{k}", position=k, published=k % 2 == 0)
        quiz = w.quiz_lesson(week, title=f"Quiz {m}", position=n)
        w.true_false(quiz)
        essay = w.assignment_lesson(week, title=f"Essay {m}", position=n + 1)
        for student in students:
            Submission.objects.create(assignment=essay, student=student, text="x")
            w.take(student, quiz, {})
        services.start_thread(author=students[0], course=course, title=f"T{m}", body="?")
    return quiz


@pytest.fixture
def students(django_user_model, cs101):
    people = [
        django_user_model.objects.create_user(username=f"s{n}", password="x", first_name="S", last_name=str(n))
        for n in range(3)
    ]
    for person in people:
        Subscription.objects.create(student=person, course=cs101)
    return people


def test_the_workspace_shows_the_tree_the_states_and_what_needs_attention(client, alice, cs101, carol, carol_in_cs101):
    week = w.module(cs101)
    w.lesson(week, "Intro", position=0)
    w.lesson(week, "Later", position=1, release_at=w.later(days=2))
    draft = w.lesson(week, "Unwritten", position=2, published=False, body="")
    Lesson.objects.filter(pk=draft.pk).update(body="")
    essay = w.assignment_lesson(week, max_points=10)
    Submission.objects.create(assignment=essay, student=carol, text="x")
    services.start_thread(author=carol, course=cs101, title="Stuck", body="Help")
    client.force_login(alice)
    page = client.get(reverse("admin:courses_course_workspace", args=[cs101.pk])).text
    assert page.index("Intro") < page.index("Later") < page.index("Unwritten") < page.index("Essay")
    assert '<strong data-count="ungraded">1</strong>' in page
    assert '<strong data-count="unanswered">1</strong>' in page
    assert '<strong data-count="drafts">1</strong>' in page
    assert "A published text lesson needs its text." in page  # why the draft cannot be published yet
    assert "<time datetime=" in page  # the release time, in the viewer's zone
    assert "out of 10" in page


def test_the_workspace_query_count_does_not_grow_with_rows(client, alice, cs101, students):
    client.force_login(alice)
    url = reverse("admin:courses_course_workspace", args=[cs101.pk])
    fill(cs101, students[:1], 1)
    few = queries(client, url)
    fill(cs101, students, 4)
    assert queries(client, url) == few == 12  # with every quiz's questions and choices (the publish rules)


def test_the_grading_pages_query_counts_do_not_grow_with_rows(client, alice, cs101, students):
    client.force_login(alice)
    quiz = fill(cs101, students[:1], 1)
    submission = Submission.objects.first()
    urls = {
        "queue": reverse("admin:courses_course_grading", args=[cs101.pk]),
        "grade": reverse("admin:courses_course_grade", args=[cs101.pk, submission.pk]),
        "attempts": reverse("admin:courses_course_attempts", args=[cs101.pk, quiz.pk]),
    }
    few = {name: queries(client, url) for name, url in urls.items()}
    fill(cs101, students, 4)
    urls["attempts"] = reverse("admin:courses_course_attempts", args=[cs101.pk, quiz.pk])
    assert {name: queries(client, url) for name, url in urls.items()} == few == {"queue": 8, "grade": 8, "attempts": 8}


def test_the_admin_home_of_an_instructor_is_grouped_by_their_courses(client, alice, cs101, draft, ma201, students):
    fill(cs101, students[:1], 1)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("admin:index")).text
    assert "Your courses" in page
    assert reverse("admin:courses_course_workspace", args=[cs101.pk]) in page
    assert reverse("admin:courses_course_workspace", args=[draft.pk]) in page
    assert reverse("admin:courses_course_workspace", args=[ma201.pk]) not in page
    assert "Everything by type" in page
    few = len(captured)
    fill(cs101, students, 3)
    assert queries(client, reverse("admin:index")) == few


def test_edit_course_is_on_the_course_page_for_its_instructor_only(client, alice, bob, carol, cs101, root):
    edit = reverse("admin:courses_course_workspace", args=[cs101.pk])
    for user, shown in [(alice, True), (bob, False), (carol, False), (root, False)]:
        client.force_login(user)
        assert (edit in client.get(cs101.get_absolute_url()).text) is shown, user


def test_lessons_of_each_kind_are_added_in_place_as_drafts(client, alice, cs101):
    week = w.module(cs101)
    client.force_login(alice)
    url = reverse("admin:courses_course_add_lesson", args=[cs101.pk])
    for kind, extra in [
        ("text", {"body": "Hi"}),
        ("video", {"embed_url": "https://youtu.be/dQw4w9WgXcQ"}),
        ("quiz", {}),
        ("assignment", {}),
    ]:
        fields = {f"m{week.pk}-{name}": value for name, value in {"title": kind, "kind": kind, **extra}.items()}
        assert client.post(url, {"module": week.pk, **fields}).status_code == 302
    lessons = list(week.lessons.values_list("title", "kind", "is_published", "position"))
    assert lessons == [
        ("text", "text", False, 0),
        ("video", "video", False, 10),
        ("quiz", "quiz", False, 20),
        ("assignment", "assignment", False, 30),
    ]


def test_bad_input_gives_a_message_or_a_4xx_never_a_500(client, alice, cs101):
    week = w.module(cs101)
    lesson = w.lesson(week, "Intro")
    client.force_login(alice)
    add = reverse("admin:courses_course_add_lesson", args=[cs101.pk])
    response = client.post(
        add, {"module": week.pk, f"m{week.pk}-title": "", f"m{week.pk}-kind": "nonsense"}, follow=True
    )
    assert "This field is required." in response.text
    bad_link = {
        "module": week.pk,
        f"m{week.pk}-title": "V",
        f"m{week.pk}-kind": "video",
        f"m{week.pk}-embed_url": "https://evil.example/x",
    }
    assert "Only YouTube and Vimeo" in client.post(add, bad_link, follow=True).text
    assert client.post(add, {"module": "x"}).status_code == 404
    move = reverse("admin:courses_course_move_lesson", args=[cs101.pk])
    assert client.post(move, {"lesson": "x"}).status_code == 400
    assert client.post(move, {"lesson": lesson.pk, "module": 999999, "index": 0}).status_code == 404
    moderate = reverse("admin:courses_course_moderate", args=[cs101.pk])
    thread = services.start_thread(author=alice, course=cs101, title="T", body="B")
    assert client.post(moderate, {"thread": thread.pk, "action": "explode"}).status_code == 400
    unpublishable = w.lesson(week, "Empty", published=False, body="")
    Lesson.objects.filter(pk=unpublishable.pk).update(body="")
    publish = reverse("admin:courses_course_publish_lesson", args=[cs101.pk])
    response = client.post(publish, {"lesson": unpublishable.pk, "published": "1"}, follow=True)
    assert "A published text lesson needs its text." in response.text
    assert not Lesson.objects.get(pk=unpublishable.pk).is_published


def test_moving_with_javascript_answers_the_new_order(client, alice, cs101):
    week = w.module(cs101)
    a, b = w.lesson(week, "A", position=0), w.lesson(week, "B", position=1)
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_course_move_lesson", args=[cs101.pk]),
        {"lesson": a.pk, "direction": "down"},
        headers={"Accept": "application/json"},
    )
    assert response.json() == {"module": week.pk, "order": [b.pk, a.pk], "index": 1}


def test_modules_are_added_at_the_end(client, alice, cs101):
    w.module(cs101, "Week 1", position=5)
    client.force_login(alice)
    client.post(reverse("admin:courses_course_add_module", args=[cs101.pk]), {"title": "Week 2"})
    assert list(Module.objects.filter(course=cs101).values_list("title", flat=True)) == ["Week 1", "Week 2"]


def test_the_queue_is_oldest_first_with_late_ones_marked_and_save_and_grade_next(client, alice, cs101, students):
    essay = w.assignment_lesson(w.module(cs101), max_points=10)
    made = [
        Submission.objects.create(
            assignment=essay, student=s, text=f"by {s.username}", submitted_at=w.ago(hours=h), is_late=h == 1
        )
        for s, h in zip(students, [1, 3, 2], strict=True)
    ]
    oldest, middle, newest = made[1], made[2], made[0]
    client.force_login(alice)
    queue = client.get(reverse("admin:courses_course_grading", args=[cs101.pk])).text
    rows = [queue.index(f"{s.display_name()}</th>") for s in (oldest.student, middle.student, newest.student)]
    assert rows == sorted(rows)
    assert queue.count('class="ws-tag ws-late"') == 1
    grade = reverse("admin:courses_course_grade", args=[cs101.pk, oldest.pk])
    page = client.get(grade).text
    assert "out of 10" in page and "by s1" in page
    response = client.post(grade, {"points": 8, "feedback": "**Good**", "_next": "1"})
    assert response["Location"] == reverse("admin:courses_course_grade", args=[cs101.pk, middle.pk])
    oldest.refresh_from_db()
    assert (oldest.points, oldest.feedback, oldest.graded_by) == (8, "**Good**", alice)
    refused = client.post(grade, {"points": 11, "_next": "1"})
    assert refused.status_code == 200
    assert "less than or equal to 10" in refused.text
    client.post(reverse("admin:courses_course_grade", args=[cs101.pk, middle.pk]), {"points": 5, "_next": "1"})
    response = client.post(
        reverse("admin:courses_course_grade", args=[cs101.pk, newest.pk]), {"points": 5, "_next": "1"}
    )
    assert response["Location"] == reverse("admin:courses_course_grading", args=[cs101.pk])
    assert "Nothing to grade." in client.get(response["Location"]).text


def test_an_image_is_previewed_through_the_protected_file_view(client, alice, cs101, carol, carol_in_cs101, media):
    essay = w.assignment_lesson(w.module(cs101))
    shot = services.submit_assignment(student=carol, assignment=essay, file=ContentFile(PNG, name="shot.png"))
    paper = Submission.objects.create(
        assignment=w.assignment_lesson(w.module(cs101, "W2"), title="Paper"),
        student=carol,
        file=ContentFile(b"%PDF-1.4", name="paper.pdf"),
    )
    client.force_login(alice)
    file_url = reverse("courses:submission_file", args=[cs101.code, shot.pk])
    page = client.get(reverse("admin:courses_course_grade", args=[cs101.pk, shot.pk])).text
    assert f'<img src="{file_url}"' in page
    served = client.get(file_url)
    assert served["Content-Security-Policy"] == "sandbox; default-src 'none'"  # courses/files.py, unchanged
    page = client.get(reverse("admin:courses_course_grade", args=[cs101.pk, paper.pk])).text
    assert "<img" not in page.split('class="ws-submission"')[1].split("</section>")[0]
    assert "Download paper.pdf" in page


def test_in_place_writes_answer_the_new_part_of_the_tree(client, alice, cs101):
    client.force_login(alice)
    json = {"Accept": "application/json"}
    answer = client.post(
        reverse("admin:courses_course_add_module", args=[cs101.pk]), {"title": "Week 1"}, headers=json
    ).json()
    week = Module.objects.get(course=cs101)
    assert (answer["target"], answer["mode"]) == ("[data-modules]", "append")
    assert f'id="module-{week.pk}"' in answer["html"]
    fields = {"module": week.pk, f"m{week.pk}-title": "Intro", f"m{week.pk}-kind": "text"}
    answer = client.post(reverse("admin:courses_course_add_lesson", args=[cs101.pk]), fields, headers=json).json()
    lesson = Lesson.objects.get(title="Intro")
    assert answer["target"] == f'ol[data-module="{week.pk}"]'
    assert "A published text lesson needs its text." in answer["html"]  # a draft not ready yet
    publish = reverse("admin:courses_course_publish_lesson", args=[cs101.pk])
    refused = client.post(publish, {"lesson": lesson.pk, "published": "1"}, headers=json)
    assert refused.status_code == 400
    assert refused.json() == {"error": "A published text lesson needs its text."}
    Lesson.objects.filter(pk=lesson.pk).update(body="Hello")
    answer = client.post(publish, {"module": week.pk, "published": "1"}, headers=json).json()
    assert answer["message"] == "Published 1 lesson(s) of “Week 1”."
    assert answer["target"] == f"#module-{week.pk}"
    assert Lesson.objects.get(pk=lesson.pk).is_published


def test_regrading_from_the_page_shows_the_new_scores(client, alice, carol, carol_in_cs101, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    question = w.true_false(quiz, is_true=False)  # should have been true
    w.take(carol, quiz, {question.pk: "true"})
    question.is_true = True
    question.save()
    client.force_login(alice)
    response = client.post(reverse("admin:courses_course_regrade", args=[cs101.pk, quiz.pk]), follow=True)
    assert "1 attempt(s) changed" in response.text
    assert "1 out of 1" in response.text


def test_modules_move_up_and_down(client, alice, bob, cs101):
    one, _two, three = (w.module(cs101, title, position=n) for n, title in enumerate(["One", "Two", "Three"]))
    client.force_login(alice)
    url = reverse("admin:courses_course_move_module", args=[cs101.pk])
    assert client.post(url, {"module": three.pk, "direction": "up"}).status_code == 302
    assert client.post(url, {"module": one.pk, "direction": "up"}).status_code == 302  # already first
    assert list(Module.objects.filter(course=cs101).values_list("title", flat=True)) == ["One", "Three", "Two"]
    client.force_login(bob)
    assert client.post(url, {"module": one.pk, "direction": "down"}).status_code == 404
    assert list(Module.objects.filter(course=cs101).values_list("title", flat=True)) == ["One", "Three", "Two"]
