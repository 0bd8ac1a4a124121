"""The permission matrix of the instructors' admin: alice owns CS101, bob owns MA201."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Announcement, Course, Post, Resource, Subscription, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cs101, ma201, carol, dave):
    return {
        "course": (cs101, ma201),
        "resource": (
            Resource.objects.create(course=cs101, title="Alice notes", body="x"),
            Resource.objects.create(course=ma201, title="Bob notes", body="x"),
        ),
        "announcement": (
            Announcement.objects.create(course=cs101, title="Alice news", body="x"),
            Announcement.objects.create(course=ma201, title="Bob news", body="x"),
        ),
        "subscription": (
            Subscription.objects.create(student=carol, course=cs101),
            Subscription.objects.create(student=dave, course=ma201),
        ),
    }


@pytest.fixture
def threads(world, carol, dave):
    """A thread with a reply in each course, by its own student."""
    mine = services.start_thread(author=carol, course=world["course"][0], title="Alice thread", body="Hi")
    theirs = services.start_thread(author=dave, course=world["course"][1], title="Bob thread", body="Hi")
    services.reply(author=carol, thread=mine, body="A reply")
    services.reply(author=dave, thread=theirs, body="A reply")
    return mine, theirs


MODELS = ["course", "resource", "announcement", "subscription"]


@pytest.mark.parametrize("model", MODELS)
def test_an_instructor_lists_only_their_own_rows(client, alice, world, model):
    client.force_login(alice)
    response = client.get(reverse(f"admin:courses_{model}_changelist"))
    assert response.status_code == 200
    mine, theirs = world[model]
    assert list(response.context["cl"].queryset) == [mine]
    assert str(theirs) not in response.text


@pytest.mark.parametrize("model", ["course", "resource", "announcement"])
@pytest.mark.parametrize("view", ["change", "delete"])
def test_an_instructor_cannot_open_another_instructors_row(client, alice, world, model, view):
    client.force_login(alice)
    _, theirs = world[model]
    response = client.get(reverse(f"admin:courses_{model}_{view}", args=[theirs.pk]))
    # The admin answers a row outside the queryset with a redirect to the index and a message.
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("model", ["course", "resource", "announcement"])
def test_an_instructor_changes_and_deletes_their_own_rows(client, alice, world, model):
    client.force_login(alice)
    mine, _ = world[model]
    assert client.get(reverse(f"admin:courses_{model}_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse(f"admin:courses_{model}_delete", args=[mine.pk])).status_code == 200


def test_an_instructor_cannot_delete_another_instructors_course_by_post(client, alice, world):
    client.force_login(alice)
    _, theirs = world["course"]
    client.post(reverse("admin:courses_course_delete", args=[theirs.pk]), {"post": "yes"})
    assert Course.objects.filter(pk=theirs.pk).exists()


def test_an_instructor_deletes_a_thread_of_their_own_course_with_its_posts(client, alice, threads):
    mine, _ = threads
    client.force_login(alice)
    page = client.get(reverse("admin:courses_thread_delete", args=[mine.pk]))
    assert page.status_code == 200  # was 403: the posts go with the thread
    response = client.post(reverse("admin:courses_thread_delete", args=[mine.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Thread.objects.filter(pk=mine.pk).exists()
    assert not Post.objects.filter(thread_id=mine.pk).exists()


def test_an_instructor_cannot_delete_another_instructors_thread_or_its_posts(client, alice, threads):
    _, theirs = threads
    client.force_login(alice)
    response = client.get(reverse("admin:courses_thread_delete", args=[theirs.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    client.post(reverse("admin:courses_thread_delete", args=[theirs.pk]), {"post": "yes"})
    post = theirs.posts.first()
    client.post(reverse("admin:courses_post_delete", args=[post.pk]), {"post": "yes"})
    assert Thread.objects.filter(pk=theirs.pk).exists()
    assert Post.objects.filter(thread=theirs).count() == 2


def test_an_instructor_deletes_their_own_courses_threads_from_the_list(client, alice, threads):
    mine, theirs = threads
    client.force_login(alice)
    client.post(
        reverse("admin:courses_thread_changelist"),
        {"action": "delete_selected", "_selected_action": [mine.pk, theirs.pk], "post": "yes"},
    )
    assert list(Thread.objects.all()) == [theirs]  # the other course's thread was never in the list


def test_an_instructor_sees_subscribers_names_but_cannot_change_subscriptions(client, alice, world):
    client.force_login(alice)
    mine, _ = world["subscription"]
    response = client.get(reverse("admin:courses_subscription_change", args=[mine.pk]))
    assert response.status_code == 200
    assert "Carol Chen" in response.text
    assert "carol@example.edu" not in response.text
    assert client.get(reverse("admin:courses_subscription_delete", args=[mine.pk])).status_code == 403


def test_a_new_course_is_always_the_instructors_own(client, alice, bob):
    client.force_login(alice)
    client.post(
        reverse("admin:courses_course_add"),
        {
            "code": "CS150",
            "title": "Web",
            "description": "",
            "is_published": "on",
            "instructor": bob.pk,  # ignored: the field is not offered to instructors
            **inline_management_forms(),
        },
    )
    assert Course.objects.get(code="CS150").instructor == alice


def test_an_instructor_cannot_add_a_resource_to_another_instructors_course(client, alice, world):
    client.force_login(alice)
    _, theirs = world["course"]
    response = client.post(reverse("admin:courses_resource_add"), {"course": theirs.pk, "title": "Sneaky", "body": "x"})
    assert response.status_code == 200  # the form comes back with an error
    assert not Resource.objects.filter(title="Sneaky").exists()


def test_an_instructor_cannot_post_a_site_wide_announcement(client, alice):
    client.force_login(alice)
    client.post(reverse("admin:courses_announcement_add"), {"title": "Hello world", "body": "x"})
    assert not Announcement.objects.filter(title="Hello world").exists()


@pytest.mark.parametrize("who", ["carol", "dave"])
def test_students_cannot_use_the_admin(client, request, world, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("admin:courses_course_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_anonymous_visitors_are_sent_to_the_admin_log_in(client, world):
    response = client.get(reverse("admin:courses_course_changelist"))
    assert response.status_code == 302


@pytest.mark.parametrize("model", MODELS)
def test_a_site_admin_sees_every_row(client, root, world, model):
    client.force_login(root)
    response = client.get(reverse(f"admin:courses_{model}_changelist"))
    assert set(response.context["cl"].queryset) == set(world[model])


def test_the_admin_carries_the_product_name(client, settings, alice):
    client.force_login(alice)
    assert settings.SITE_NAME in client.get(reverse("admin:index")).text


def inline_management_forms() -> dict:
    data = {}
    for prefix in ("resources", "announcements", "subscriptions"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


# The course workspace and grading pages (courses/admin/workspace.py, grading.py): every view, for
# everyone. Alice teaches CS101; bob, another instructor, gets the 404 of a course he may not know
# about; students and visitors never get past the admin's log-in; a site admin may do anything.


@pytest.fixture
def workspace_world(cs101, alice, carol, carol_in_cs101):
    from courses.models import Submission
    from lms_site.testing import content as w

    week = w.module(cs101)
    lesson = w.lesson(week, "Intro")
    quiz = w.quiz_lesson(week)
    w.true_false(quiz)
    attempt = w.take(carol, quiz, {})
    essay = w.assignment_lesson(week)
    submission = Submission.objects.create(assignment=essay, student=carol, text="My essay")
    thread = services.start_thread(author=carol, course=cs101, title="Help", body="How?")
    return {
        "course": cs101,
        "module": week,
        "second_module": w.module(cs101, "Week 2", position=1),
        "lesson": lesson,
        "quiz": quiz,
        "attempt": attempt,
        "submission": submission,
        "thread": thread,
        "post": thread.posts.get(),
    }


def workspace_pages(x) -> dict[str, str]:
    c = x["course"].pk
    return {
        "workspace": reverse("admin:courses_course_workspace", args=[c]),
        "thread": reverse("admin:courses_course_thread", args=[c, x["thread"].pk]),
        "grading": reverse("admin:courses_course_grading", args=[c]),
        "grade": reverse("admin:courses_course_grade", args=[c, x["submission"].pk]),
        "attempts": reverse("admin:courses_course_attempts", args=[c, x["quiz"].pk]),
    }


def workspace_writes(x) -> dict[str, tuple[str, dict]]:
    c = x["course"].pk
    return {
        "add_module": (reverse("admin:courses_course_add_module", args=[c]), {"title": "Sneaky module"}),
        "add_lesson": (
            reverse("admin:courses_course_add_lesson", args=[c]),
            {"module": x["module"].pk, f"m{x['module'].pk}-title": "Sneaky", f"m{x['module'].pk}-kind": "text"},
        ),
        "move": (reverse("admin:courses_course_move_lesson", args=[c]), {"lesson": x["lesson"].pk, "index": 5}),
        "move_module": (
            reverse("admin:courses_course_move_module", args=[c]),
            {"module": x["second_module"].pk, "direction": "up"},
        ),
        "publish": (
            reverse("admin:courses_course_publish_lesson", args=[c]),
            {"lesson": x["lesson"].pk, "published": "0"},
        ),
        "moderate": (reverse("admin:courses_course_moderate", args=[c]), {"thread": x["thread"].pk, "action": "lock"}),
        "remove_post": (workspace_pages(x)["thread"], {"post": x["post"].pk, "action": "remove"}),
        "grade": (workspace_pages(x)["grade"], {"points": 50, "feedback": "Sneaky"}),
        "regrade": (reverse("admin:courses_course_regrade", args=[c, x["quiz"].pk]), {}),
        "override": (
            workspace_pages(x)["attempts"],
            {"attempt": x["attempt"].pk, f"a{x['attempt'].pk}-score": 1, f"a{x['attempt'].pk}-reason": "Sneaky"},
        ),
    }


def snapshot(x) -> tuple:
    from courses.models import Attempt, Lesson, Module, Post, Submission, Thread

    return (
        list(Module.objects.values_list("pk", "title", "position")),
        list(Lesson.objects.values_list("pk", "title", "position", "is_published")),
        list(Thread.objects.values_list("pk", "is_locked", "is_pinned")),
        list(Post.objects.values_list("pk", "is_removed")),
        list(Submission.objects.values_list("pk", "points")),
        list(Attempt.objects.values_list("pk", "score")),
    )


PAGES = ["workspace", "thread", "grading", "grade", "attempts"]
WRITES = [
    *("add_module", "add_lesson", "move", "move_module", "publish", "moderate", "remove_post"),
    *("grade", "regrade", "override"),
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("root", 200), ("bob", 404)])
def test_workspace_pages_open_for_the_courses_teachers_only(client, people, workspace_world, page, who, status):
    client.force_login(people[who])
    assert client.get(workspace_pages(workspace_world)[page]).status_code == status


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["carol", "dave", "anonymous"])
def test_workspace_pages_send_students_outsiders_and_visitors_to_the_admin_log_in(
    client, people, workspace_world, page, who
):
    if people[who] is not None:
        client.force_login(people[who])
    response = client.get(workspace_pages(workspace_world)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(("who", "status"), [("bob", 404), ("carol", 302), ("dave", 302), ("anonymous", 302)])
def test_no_one_but_the_courses_teachers_changes_anything_from_the_workspace(
    client, people, workspace_world, write, who, status
):
    if people[who] is not None:
        client.force_login(people[who])
    before = snapshot(workspace_world)
    url, data = workspace_writes(workspace_world)[write]
    assert client.post(url, data).status_code == status
    assert snapshot(workspace_world) == before


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["alice", "root"])
def test_the_courses_teachers_change_it_from_the_workspace(client, people, workspace_world, write, who):
    client.force_login(people[who])
    before = snapshot(workspace_world)
    url, data = workspace_writes(workspace_world)[write]
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:500]
    if write != "regrade":  # nothing to regrade: the quiz was not changed
        assert snapshot(workspace_world) != before


def test_workspace_writes_answer_get_with_404(client, alice, workspace_world):
    client.force_login(alice)
    for name in ("add_module", "add_lesson", "move", "publish", "moderate", "regrade"):
        url, _ = workspace_writes(workspace_world)[name]
        assert client.get(url).status_code == 404, name
