"""Erasing an account: asked for by the person (password and confirmation) or a site admin, carried
out after the grace period unless cancelled, leaving no name, email or post text anywhere while the
course statistics keep their numbers."""

import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import AuditRedaction
from accounts.privacy import erasure, services
from accounts.privacy.models import DataExport, ErasureRequest
from courses.gradebook import gradebook
from courses.models import Attempt, CourseCompletion, LessonProgress, Post, Thread
from lms_site.testing import privacy
from lms_site.testing.servers import eventually

pytestmark = pytest.mark.django_db


def statistics(course) -> dict:
    _header, rows = gradebook(course)
    return {
        "gradebook_numbers": sorted(tuple(row[2:]) for row in rows),  # without username and name
        "completions": CourseCompletion.objects.filter(course=course).count(),
        "lessons_completed": LessonProgress.objects.filter(completed_at__isnull=False).count(),
        "scores": sorted(Attempt.objects.values_list("score", "max_score")),
    }


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_erasure_leaves_no_trace_of_the_person_and_keeps_course_statistics(
    settings,
    tmp_path,
    media,
    alice,
    carol,
    dave,
    cs101,
    carol_in_cs101,
    dave_in_cs101,
    django_capture_on_commit_callbacks,
):
    settings.PRIVATE_ROOT = tmp_path / "private"
    made = privacy.a_student_with_data_everywhere(student=carol, classmate=dave, instructor=alice, course=cs101)
    services.build_export(export_id=services.request_export(user=carol).pk)
    assert files_under(settings.PRIVATE_ROOT) and files_under(settings.MEDIA_ROOT)
    needles = ["Carol", "Chen", "carol@example.edu", *privacy.POST_TEXTS, privacy.ESSAY_TEXT, privacy.SHORT_ANSWER]
    assert all(privacy.rows_containing(needle) for needle in needles)  # the search does find them
    before = statistics(cs101)

    request = services.request_erasure(user=carol, by=carol)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.erase_account(request_id=request.pk, now=request.due_at)

    assert {needle: privacy.rows_containing(needle) for needle in needles} == {needle: [] for needle in needles}
    assert files_under(settings.MEDIA_ROOT) == []
    assert files_under(settings.PRIVATE_ROOT) == []
    assert statistics(cs101) == before

    carol.refresh_from_db()
    assert carol.username == f"former-member-{carol.pk}"
    assert (carol.first_name, carol.last_name, carol.email, carol.bio) == ("", "", "", "")
    assert not carol.has_usable_password() and not carol.is_active
    # The thread others replied in stays, with her posts in place and their text gone.
    thread = Thread.objects.get(pk=made["thread"].pk)
    assert [(p.author_id, p.body) for p in thread.posts.all()] == [
        (None, erasure.ERASED_POST_BODY),
        (dave.pk, "When the condition is false."),
        (None, erasure.ERASED_POST_BODY),
    ]
    assert not Thread.objects.filter(pk=made["alone"].pk).exists()  # nobody else needed it
    assert not DataExport.objects.filter(user=carol).exists()
    assert ErasureRequest.objects.get(pk=request.pk).erased_at is not None


def test_the_thread_page_shows_an_erased_post_as_by_a_former_member(
    client, alice, carol, cs101, carol_in_cs101, dave, dave_in_cs101
):
    from courses import services as course_services

    thread = course_services.start_thread(author=carol, course=cs101, title="Loops", body=privacy.POST_TEXTS[0])
    course_services.reply(author=dave, thread=thread, body="A classmate's reply.")
    request = services.request_erasure(user=carol)
    services.erase_account(request_id=request.pk, now=request.due_at)
    client.force_login(dave)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Former member" in page and "erased at its author" in page
    assert privacy.POST_TEXTS[0] not in page and "Carol" not in page


def test_erasure_waits_for_the_grace_period_and_can_be_cancelled(client, carol, settings):
    client.force_login(carol)
    assert client.post("/accounts/data/erase/", {"password": "pw-carolcarol", "confirm": "on"}).status_code == 302
    request = ErasureRequest.objects.get(user=carol)
    assert request.due_at - request.requested_at == timedelta(days=settings.PRIVACY_ERASURE_GRACE_DAYS)

    assert not services.erase_account(request_id=request.pk, now=request.due_at - timedelta(minutes=1))
    assert services.erase_due(now=request.due_at - timedelta(minutes=1)) == 0
    carol.refresh_from_db()
    assert carol.username == "carol" and carol.is_active
    assert "will be erased on" in client.get("/accounts/data/").content.decode()

    client.post("/accounts/data/erase/cancel/")
    request.refresh_from_db()
    assert request.cancelled_at is not None
    assert not services.erase_account(request_id=request.pk, now=request.due_at + timedelta(days=1))
    carol.refresh_from_db()
    assert carol.username == "carol" and carol.is_active
    assert "Delete my account" in client.get("/accounts/data/").content.decode()


def test_erase_due_carries_out_what_is_due_once(carol, dave):
    due = services.request_erasure(user=carol)
    services.request_erasure(user=dave)  # not due yet
    later = due.due_at + timedelta(seconds=1)
    ErasureRequest.objects.filter(user=dave).update(due_at=later + timedelta(days=1))
    assert services.erase_due(now=later) == 1
    assert services.erase_due(now=later) == 0
    out = io.StringIO()
    call_command("erase_due", stdout=out)
    assert out.getvalue().strip() == "Erased 0 account(s)."
    dave.refresh_from_db()
    assert dave.username == "dave"


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"password": "wrong", "confirm": "on"}, "That is not your password."),
        ({"password": "pw-carolcarol"}, "Tick the box to confirm."),
    ],
)
def test_asking_needs_the_password_and_the_confirmation(client, carol, form, error):
    client.force_login(carol)
    response = client.post("/accounts/data/erase/", form)
    assert response.status_code == 200 and error in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_a_site_admin_asks_for_erasure_from_the_user_list(client, root, carol, alice):
    client.force_login(root)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "request_erasure", "_selected_action": [carol.pk, root.pk]},
        follow=True,
    )
    assert response.status_code == 200
    [request] = ErasureRequest.objects.all()
    assert (request.user, request.requested_by) == (carol, root)
    client.force_login(alice)  # instructors are staff but see none of it
    assert client.get("/admin/accounts/erasurerequest/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_worker_erases_an_account_when_its_grace_period_ends(worker, carol, dave, cs101, carol_in_cs101):
    from courses import services as course_services

    course_services.start_thread(author=carol, course=cs101, title="Alone", body=privacy.POST_TEXTS[2])
    request = services.request_erasure(user=carol, by=carol)  # enqueued to run at the due time
    ErasureRequest.objects.filter(pk=request.pk).update(due_at=timezone.now())
    DBTaskResult.objects.update(run_after=timezone.now())  # the grace period, fast-forwarded
    eventually(lambda: ErasureRequest.objects.get(pk=request.pk).erased_at, timeout=30)
    carol.refresh_from_db()
    assert carol.username == f"former-member-{carol.pk}"
    assert not Post.objects.filter(body=privacy.POST_TEXTS[2]).exists()


def test_erasure_redacts_the_audit_log_but_keeps_who_did_what(client, alice, cs101, django_capture_on_commit_callbacks):
    from courses import services as course_services

    client.force_login(alice)  # an instructor, whose changes are audited with her address
    data = {"title": "Programming I", "description": "", "is_published": "on"}
    for prefix in ("resources", "announcements", "subscriptions"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    assert client.post(f"/admin/courses/course/{cs101.pk}/change/", data).status_code == 302
    course_entry = LogEntry.objects.get(actor=alice, content_type__model="course", object_pk=str(cs101.pk))
    assert (course_entry.actor_email, course_entry.remote_addr) == ("alice@example.edu", "127.0.0.1")
    thread = course_services.start_thread(author=alice, course=cs101, title="Week 1", body="alices-first-words")
    course_services.edit_post(user=alice, post=thread.posts.get(), body="alices-second-words")

    request = services.request_erasure(user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.erase_account(request_id=request.pk, now=request.due_at)

    for needle in ("alices-first-words", "alices-second-words", "alice@example.edu", "Archer", "alice"):
        assert privacy.rows_containing(needle) == [], needle
    entry = LogEntry.objects.get(pk=course_entry.pk)
    assert (entry.actor_id, entry.action, entry.timestamp) == (alice.pk, course_entry.action, course_entry.timestamp)
    assert entry.changes_dict == {"title": ["Introduction to Programming", "Programming I"]}
    assert (entry.actor_email, entry.remote_addr) == (erasure.FORMER_MEMBER, None)
    post_bodies = [e.changes_dict.get("body") for e in LogEntry.objects.filter(object_repr__startswith="Post #")]
    assert [erasure.ERASED_TEXT] in [[v for v in body if v != "None"] for body in post_bodies if body]
    assert not AuditRedaction.objects.exists()
