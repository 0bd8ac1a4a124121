"""The audit log: instructors' and admins' changes are recorded with who, what, when, before and
after; nobody can change or delete an entry; only site admins can read it."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction
from django.urls import reverse

from accounts.audit import HIDDEN, OPERATOR_NOTE, AuditLogIsAppendOnly
from accounts.models import AuditRedaction
from courses import services
from courses.models import Course, Resource, Submission
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db

ENTRIES = reverse("admin:auditlog_logentry_changelist")


def entries_for(obj) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)).order_by(
            "pk"
        )
    )


def carols_change_form(**changes) -> dict:
    """The admin's change form for carol as the fixture makes her, with `changes`."""
    return {
        "username": "carol",
        "first_name": "Carol",
        "last_name": "Chen",
        "email": "carol@example.edu",
        "bio": "",
        "role": "student",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        **changes,
    }


@pytest.fixture
def submission(cs101, carol_in_cs101, carol):
    assignment = w.assignment_lesson(w.module(cs101), max_points=10)
    return services.submit_assignment(student=carol, assignment=assignment, text="My essay.")


@pytest.fixture
def an_entry(root, cs101):
    cs101.title = "Programming I"
    services.save_course(course=cs101, by=root)
    return entries_for(cs101)[-1]


def test_grading_in_the_admin_records_alice_and_the_grade_before_and_after(client, alice, submission):
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_submission_change", args=[submission.pk]), {"points": "8", "feedback": "Good."}
    )
    assert response.status_code == 302
    (entry,) = entries_for(submission)
    assert entry.actor == alice
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.object_repr == str(Submission.objects.get(pk=submission.pk))
    assert entry.changes_dict["points"] == ["None", "8"]
    assert entry.changes_dict["feedback"] == ["", "Good."]
    assert "graded_by" in entry.changes_dict
    assert entry.timestamp is not None
    assert entry.remote_addr == "127.0.0.1"


def test_editing_a_course_in_the_admin_records_the_title_before_and_after(client, alice, cs101):
    client.force_login(alice)
    data = {"title": "Programming I", "description": "", "is_published": "on"}
    for prefix in ("resources", "announcements", "subscriptions"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:courses_course_change", args=[cs101.pk]), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    entry = entries_for(cs101)[-1]
    assert (entry.actor, entry.object_repr) == (alice, str(Course.objects.get(pk=cs101.pk)))
    assert entry.changes_dict == {"title": ["Introduction to Programming", "Programming I"]}


def test_a_students_own_writes_are_not_audited(client, carol, submission):
    assert entries_for(submission) == []  # submitted by carol through the service
    client.force_login(carol)
    client.post(reverse("accounts:profile"), {"first_name": "Caroline", "last_name": "", "bio": ""})
    assert not LogEntry.objects.filter(actor=carol).exists()


def test_a_service_names_its_actor_without_a_request(alice, cs101):
    resource = services.add_resource(course=cs101, title="Notes", body="x", by=alice)
    (entry,) = entries_for(resource)
    assert entry.actor == alice
    assert entry.action == LogEntry.Action.CREATE


def test_the_operators_writes_are_recorded_with_a_note(cs101):
    resource = services.add_resource(course=cs101, title="Notes", body="x", by=None)
    (entry,) = entries_for(resource)
    assert entry.actor is None
    assert entry.additional_data["note"] == OPERATOR_NOTE


def test_role_and_status_changes_are_recorded_but_never_the_password(client, root, carol):
    client.force_login(root)
    carol.set_password("a-whole-new-secret-42")
    carol.save()
    data = carols_change_form(role="admin")
    response = client.post(reverse("admin:accounts_user_change", args=[carol.pk]), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    entries = entries_for(carol)
    assert [e.changes_dict for e in entries if e.actor == root] == [{"role": ["student", "admin"]}]
    assert all("password" not in e.changes_dict for e in entries)
    assert not LogEntry.objects.filter(changes_text__contains="pbkdf2").exists()


def test_root_can_read_an_entry_but_not_change_or_delete_it_in_the_admin(client, root, an_entry):
    client.force_login(root)
    page = client.get(ENTRIES)
    assert page.status_code == 200
    assert "Programming I" in page.text
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[an_entry.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.text
    change = reverse("admin:auditlog_logentry_change", args=[an_entry.pk])
    delete = reverse("admin:auditlog_logentry_delete", args=[an_entry.pk])
    assert client.post(change, {"action": "2", "object_repr": "forged"}).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(ENTRIES, {"action": "delete_selected", "_selected_action": [an_entry.pk], "post": "yes"})
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    assert LogEntry.objects.get(pk=an_entry.pk).changes == an_entry.changes


def test_entries_cannot_be_changed_or_deleted_in_code_or_in_the_database(an_entry):
    an_entry.object_repr = "forged"
    # Each in a savepoint of its own: a refused delete leaves the transaction it ran in unusable.
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        an_entry.save()
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        an_entry.delete()
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        LogEntry.objects.filter(pk=an_entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=an_entry.pk).update(object_repr="forged")
    assert LogEntry.objects.get(pk=an_entry.pk).object_repr != "forged"


def test_deleting_a_user_keeps_their_entries(cs101, django_user_model):
    actor = django_user_model.objects.create_superuser(username="temp", email="temp@example.edu", password="x-pw-42")
    cs101.title = "Renamed"
    services.save_course(course=cs101, by=actor)
    entry = entries_for(cs101)[-1]
    actor.delete()
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_email) == (None, "temp@example.edu")


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_instructors_and_students_cannot_see_the_audit_log(client, people, an_entry, who):
    # Not even when given the permission to view it: the log is for site admins only.
    people[who].user_permissions.add(
        Permission.objects.get(codename="view_logentry", content_type__app_label="auditlog")
    )
    client.force_login(people[who])
    assert client.get(ENTRIES).status_code in (302, 403)
    assert client.get(reverse("admin:auditlog_logentry_change", args=[an_entry.pk])).status_code in (302, 403)
    if who == "alice":
        index = client.get(reverse("admin:index"))
        assert index.status_code == 200
        assert ENTRIES not in index.text


def test_resources_deleted_by_an_instructor_are_recorded(client, alice, cs101):
    resource = Resource.objects.create(course=cs101, title="Old notes", body="x")
    client.force_login(alice)
    response = client.post(reverse("admin:courses_resource_delete", args=[resource.pk]), {"post": "yes"})
    assert response.status_code == 302
    entry = LogEntry.objects.filter(action=LogEntry.Action.DELETE).get()
    assert (entry.actor, entry.object_repr) == (alice, "Old notes")


def test_an_email_change_is_recorded_without_the_addresses(client, root, carol):
    client.force_login(root)
    data = carols_change_form(email="caroline@example.edu")
    response = client.post(reverse("admin:accounts_user_change", args=[carol.pk]), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert [e.changes_dict for e in entries_for(carol) if e.actor == root] == [{"email": [HIDDEN, HIDDEN]}]
    assert not LogEntry.objects.filter(changes__icontains="caroline").exists()


def test_a_post_is_named_by_its_id_not_its_text(alice, cs101):
    thread = services.start_thread(author=alice, course=cs101, title="Week 1", body="Read chapter one first.")
    post = thread.posts.get()
    (entry,) = entries_for(post)
    assert entry.object_repr == f"Post #{post.pk}"
    assert entry.changes_dict["body"][1] == "Read chapter one first."  # moderation still sees the text


def test_only_an_erasures_redaction_may_change_an_entry_and_only_what_quotes_a_person(alice, an_entry):
    with transaction.atomic():
        flag = AuditRedaction.objects.create()
        LogEntry.objects.filter(pk=an_entry.pk).update(object_repr="A former member", remote_addr=None)
        for forged in (
            {"action": LogEntry.Action.DELETE},
            {"object_pk": "999"},
            {"timestamp": an_entry.timestamp.replace(year=2000)},
            {"actor": alice},
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                LogEntry.objects.filter(pk=an_entry.pk).update(**forged)
        flag.delete()
        with pytest.raises(DatabaseError), transaction.atomic():
            LogEntry.objects.filter(pk=an_entry.pk).update(object_repr="forged")
    entry = LogEntry.objects.get(pk=an_entry.pk)
    assert (entry.object_repr, entry.action, entry.actor, entry.timestamp) == (
        "A former member",
        an_entry.action,
        an_entry.actor,
        an_entry.timestamp,
    )
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        AuditRedaction.objects.create()
        entry.object_repr = "forged"
        entry.save()  # the flag opens the database, not the model's guard
