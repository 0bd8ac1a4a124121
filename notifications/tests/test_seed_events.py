import pytest
from django.core.management import CommandError, call_command

from notifications import topics
from notifications.models import Event

pytestmark = pytest.mark.django_db


def seed(capsys, *args) -> str:
    call_command("seed_events", *args)
    return capsys.readouterr().out


def test_it_fills_the_log_to_the_size_asked_for_with_progress(capsys, cs101, carol):
    before = Event.objects.count()
    out = seed(capsys, "--events", "300", "--batch-size", "100")
    assert Event.objects.filter(payload__has_key="seed").count() == 300
    assert Event.objects.count() == before + 300
    assert "events         [##############################] 300/300" in out
    assert "Added 300 events" in out


def test_running_it_again_adds_only_what_is_missing(capsys, cs101, carol):
    seed(capsys, "--events", "50")
    seed(capsys, "--events", "50")
    assert Event.objects.filter(payload__has_key="seed").count() == 50
    seed(capsys, "--events", "80")
    assert Event.objects.filter(payload__has_key="seed").count() == 80
    assert "nothing to add" in seed(capsys, "--events", "80")


def test_seeded_events_use_the_real_topics_and_oldest_first_order(capsys, cs101, carol):
    seed(capsys, "--events", "200")
    seeded = list(Event.objects.filter(payload__has_key="seed").order_by("id"))
    people = {topics.user_topic(cs101.instructor_id), topics.user_topic(carol.pk)}
    known = {topics.course_topic("CS101"), topics.ALL_COURSES, topics.SYSTEM_EVENTS} | people
    assert {event.topic for event in seeded} == known
    assert [e.created_at for e in seeded] == sorted(e.created_at for e in seeded)
    assert all(e.payload["title"] for e in seeded)


def test_it_refuses_to_run_without_courses(capsys, carol):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_events", "--events", "10")
