"""Exporting one's data: built in the background by the real worker, a zip of JSON files and the
files handed in, downloadable by its owner only, until it expires."""

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.privacy import services
from accounts.privacy.models import DataExport
from lms_site.testing import privacy
from lms_site.testing.servers import eventually


def ready_export(user) -> DataExport:
    export = DataExport.objects.filter(user=user).first()
    return export if export is not None and export.status == DataExport.Status.READY else None


def test_an_export_holds_everything_about_the_person_and_is_built_by_the_worker(
    worker, client, alice, carol, dave, cs101, carol_in_cs101, dave_in_cs101
):
    made = privacy.a_student_with_data_everywhere(student=carol, classmate=dave, instructor=alice, course=cs101)
    client.force_login(carol)

    client.post("/accounts/data/export/")
    assert "being prepared" in client.get("/accounts/data/").content.decode()
    export = eventually(lambda: ready_export(carol), timeout=30)

    page = client.get("/accounts/data/").content.decode()
    assert export.get_absolute_url() in page
    response = client.get(export.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))

    def section(name):
        return json.loads(archive.read(f"{name}.json"))

    assert section("profile")["email"] == "carol@example.edu"
    assert section("profile")["first_name"] == "Carol"
    assert [s["course"] for s in section("subscriptions")] == ["CS101"]
    assert {p["lesson"] for p in section("lesson_progress") if p["completed_at"]} == {
        "Intro",
        "Check-in quiz",
        "Essay",
    }
    assert [c["course"] for c in section("course_completions")] == ["CS101"]
    [attempt] = section("quiz_attempts")
    assert attempt["score"] == made["attempt"].score
    assert privacy.SHORT_ANSWER in [a["response"] for a in attempt["answers"]]
    [submission] = section("assignment_submissions")
    assert submission["text"] == privacy.ESSAY_TEXT
    assert submission["points"] == 80
    assert archive.read(submission["file"]) == privacy.FILE_BYTES
    assert submission["file"].endswith(privacy.FILE_NAME)
    discussions = section("discussions")
    assert {p["body"] for p in discussions["posts"]} == set(privacy.POST_TEXTS)
    assert {t["title"] for t in discussions["threads_started"]} == {"How do loops end?", "Nobody answered this"}
    notifications = section("notifications")
    titles = [e["title"] for e in notifications["addressed_to_you"]]
    assert "Subscribed to CS101" in titles
    assert any("replied to your post" in title for title in titles)
    assert all(e["read"] for e in notifications["addressed_to_you"])
    tokens = section("api_tokens")
    assert len(tokens) == 1 and made["token"].key not in json.dumps(tokens)
    assert made["token"].key not in b"".join(archive.read(name) for name in archive.namelist()).decode(errors="ignore")
    assert [(c["purpose"], c["given"]) for c in section("consents")] == [("email_digest", True)]
    assert section("transactions")["transactions"] == []


@pytest.mark.django_db
def test_asking_only_enqueues_after_commit(carol, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = services.request_export(user=carol)
        assert not DBTaskResult.objects.exists()
    assert export.status == DataExport.Status.PENDING and len(callbacks) == 1
    callbacks[0]()
    assert DBTaskResult.objects.get().args_kwargs == {"args": [export.pk], "kwargs": {}}
    assert services.request_export(user=carol) == export  # one being prepared is enough


@pytest.fixture
def built_export(settings, tmp_path, media, carol, django_capture_on_commit_callbacks):
    settings.PRIVATE_ROOT = tmp_path / "private"
    export = services.request_export(user=carol)
    services.build_export(export_id=export.pk)
    export.refresh_from_db()
    return export


@pytest.mark.django_db
def test_the_link_works_for_its_owner_only(client, built_export, carol, dave, root):
    url = built_export.get_absolute_url()
    assert url.startswith("/accounts/data/export/")
    assert built_export.file.path.startswith(str(built_export.file.storage.location))
    with pytest.raises(ValueError):
        built_export.file.url  # noqa: B018 (no public URL exists)
    for other in (dave, root):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(carol)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_an_expired_link_is_a_404_and_its_file_is_deleted(client, built_export, carol, settings):
    assert built_export.expires_at - built_export.ready_at == timedelta(days=settings.PRIVACY_EXPORT_DAYS)
    client.force_login(carol)
    DataExport.objects.filter(pk=built_export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(built_export.get_absolute_url()).status_code == 404
    assert "expired" in client.get("/accounts/data/").content.decode()

    path = Path(built_export.file.path)
    assert services.delete_export(export_id=built_export.pk)
    assert not DataExport.objects.filter(pk=built_export.pk).exists()
    assert not path.exists()


@pytest.mark.django_db
def test_the_your_data_page_reads_a_fixed_number_of_rows(client, carol, built_export, django_assert_num_queries):
    client.force_login(carol)
    services.request_export(user=carol)
    # session, user, exports, pending erasure, optional consents; the header's activity state (4)
    with django_assert_num_queries(9):
        assert client.get("/accounts/data/").status_code == 200
