"""The live parts of course pages (notifications/live.py): which quiet events edits and deletions write,
what their messages carry for open pages, that drafts push nothing, and that the API renders a page
of them in a fixed number of queries."""

import pytest

from courses import services
from courses.models import Lesson, Module
from lms_site.testing import content as w
from lms_site.testing.events import events_after, newest_id
from notifications.models import Event
from notifications.rendering import event_message

pytestmark = pytest.mark.django_db


def message_after(before: int, kind: str, topic: str = "course:CS101") -> dict:
    return event_message(Event.objects.filter(id__gt=before, kind=kind, topic=topic).latest("id"))


def parts_by_key(message: dict) -> dict[str, list[dict]]:
    parts: dict[str, list[dict]] = {}
    for part in message["parts"]:
        parts.setdefault(part["key"], []).append(part)
    return parts


def test_a_new_resource_goes_to_the_course_page_list_and_the_dashboard_card(cs101):
    before = newest_id()
    resource = services.add_resource(course=cs101, title="Week 1 slides", url="https://example.edu/w1")
    parts = parts_by_key(message_after(before, "new_resource"))
    (item,) = parts[f"resource-{resource.pk}"]
    assert item["list"] == "resources-CS101" and "Week 1 slides" in item["html"]
    assert f'data-live="resource-{resource.pk}"' in item["html"]
    (card_item,) = parts[f"new-resource-{resource.pk}"]
    assert card_item["list"] == "new-items-CS101"
    catalog_copy = Event.objects.get(id__gt=before, topic="all_courses")
    assert event_message(catalog_copy)["parts"] == []  # never pushed: nothing to render


def test_a_renamed_resource_rewrites_its_events_and_pushes_the_new_title(cs101):
    resource = services.add_resource(course=cs101, title="Week 1", body="Text")
    quoting = list(Event.objects.filter(kind="new_resource", payload__id=resource.pk).values_list("id", flat=True))
    assert len(quoting) == 2  # the course's and the catalog's
    before = newest_id()
    resource.title = "Week 1 (fixed)"
    services.save_resource(resource=resource, by=cs101.instructor)

    message = message_after(before, "content_changed")
    assert message["html"] == ""  # quiet: no feed item
    assert message["data"]["object"] == "resource" and message["data"]["id"] == resource.pk
    assert sorted(message["data"]["events"]) == sorted(quoting)
    parts = parts_by_key(message)
    assert "Week 1 (fixed)" in parts[f"resource-{resource.pk}"][0]["html"]
    # A rename replaces a card's item where it is new; it is not added where it is not.
    assert "list" not in parts[f"new-resource-{resource.pk}"][0]
    for event_id in quoting:
        (title,) = parts[f"event-title-{event_id}"]
        assert "Week 1 (fixed)" in title["html"] and "list" not in title
    assert set(Event.objects.filter(pk__in=quoting).values_list("payload__title", flat=True)) == {"Week 1 (fixed)"}


def test_a_deleted_resource_is_removed_and_its_feed_items_lose_their_link(cs101):
    resource = services.add_resource(course=cs101, title="Old notes", body="Text")
    pk = resource.pk
    before = newest_id()
    resource.delete()
    parts = parts_by_key(message_after(before, "content_removed"))
    assert parts[f"resource-{pk}"] == [{"key": f"resource-{pk}", "html": ""}]
    assert parts[f"new-resource-{pk}"] == [{"key": f"new-resource-{pk}", "html": ""}]
    assert set(Event.objects.filter(kind="new_resource", payload__id=pk).values_list("payload__url", flat=True)) == {""}


def test_an_edited_announcement_changes_in_place(alice, cs101):
    announcement = services.post_announcement(author=alice, course=cs101, title="Exam", body="Friday")
    before = newest_id()
    announcement.body = "Monday, not Friday"
    announcement.save()
    parts = parts_by_key(message_after(before, "content_changed"))
    assert "Monday, not Friday" in parts[f"announcement-{announcement.pk}"][0]["html"]


def test_a_released_lesson_goes_to_both_outlines(cs101):
    week = w.module(cs101)
    before = newest_id()
    lesson = w.lesson(week, title="Loops", body="While and for.")
    parts = parts_by_key(message_after(before, "new_lesson"))
    (module,) = parts[f"course-outline-module-{week.pk}"]
    assert module["add_only"] is True and module["list"] == "course-outline-CS101" and "Loops" in module["html"]
    row = parts[f"outline-row-{lesson.pk}"][0]
    assert row["add_only"] is True and row["list"] == f"module-lessons-{week.pk}"
    assert "Completed" not in row["html"] and "Draft" not in row["html"]


def test_editing_a_released_lesson_pushes_its_text(cs101):
    lesson = w.lesson(w.module(cs101), body="First version.")
    before = newest_id()
    lesson.body = "Second version."
    lesson.save()
    assert events_after(before) == [("content_changed", "course:CS101")]
    parts = parts_by_key(message_after(before, "content_changed"))
    assert "Second version." in parts[f"lesson-body-{lesson.pk}"][0]["html"]


def test_a_draft_lesson_pushes_nothing_and_withdrawing_one_removes_it(cs101):
    week = w.module(cs101)
    draft = w.lesson(week, title="Secret", body="Draft text.", published=False)
    before = newest_id()
    draft.body = "Still a draft."
    draft.save()
    assert events_after(before) == []

    lesson = w.lesson(week, title="Shown", body="The secret answer.", position=1)
    before = newest_id()
    lesson.is_published = False
    lesson.save()
    assert events_after(before) == [("content_removed", "course:CS101")]
    message = message_after(before, "content_removed")
    assert "The secret answer." not in str(message)
    parts = parts_by_key(message)
    assert parts[f"outline-row-{lesson.pk}"] == [{"key": f"outline-row-{lesson.pk}", "html": ""}]
    # Its module has no released lesson left: gone from the course page's outline too.
    assert parts[f"course-outline-module-{week.pk}"] == [{"key": f"course-outline-module-{week.pk}", "html": ""}]


def test_a_renamed_module_and_a_deleted_one(cs101):
    week = w.module(cs101)
    w.lesson(week)
    before = newest_id()
    week.title = "Week one"
    week.save()
    parts = parts_by_key(message_after(before, "content_changed"))
    assert "Week one" in parts[f"module-title-{week.pk}"][0]["html"]
    before = newest_id()
    Module.objects.get(pk=week.pk).delete()
    # One event for the module; its lessons go with it without one each.
    assert events_after(before) == [("content_removed", "course:CS101")]
    assert not Lesson.objects.filter(module_id=week.pk).exists()


def test_unpublishing_removes_the_card_from_the_subscriber_dashboard(carol_in_cs101, carol, cs101):
    before = newest_id()
    services.set_published(course=cs101, published=False, by=cs101.instructor)
    message = message_after(before, "content_removed", topic=f"user:{carol.pk}")
    assert message["parts"] == [{"key": "course-card-CS101", "html": ""}]


def test_the_api_renders_a_page_of_changes_in_a_fixed_number_of_queries(
    django_assert_num_queries, alice, cs101, carol_in_cs101, carol
):
    from lms_site.testing.api import client_for

    week = w.module(cs101)
    for number in range(6):
        resource = services.add_resource(course=cs101, title=f"R{number}", body="Text")
        resource.title = f"R{number} renamed"
        resource.save()
        lesson = w.lesson(week, title=f"L{number}", position=number)
        lesson.title = f"L{number} renamed"
        lesson.save()
        services.post_announcement(author=alice, course=cs101, title=f"A{number}", body="...")
    client = client_for(carol)
    # token + user, membership, events; their parts: the quoted events, then resources,
    # announcements, lessons and the course page's modules (one query each, notifications/live.py), and
    # the Upcoming panels' items (notifications/upcoming.py).
    with django_assert_num_queries(9):
        body = client.get("/api/v1/events", {"limit": 100}).json()
    assert any(message["parts"] for message in body["results"])


def test_a_completed_lesson_moves_the_student_progress_bars_on_her_own_topic(carol, carol_in_cs101, cs101):
    week = w.module(cs101)
    first, _ = w.lesson(week, title="One"), w.lesson(week, title="Two", position=1)
    before = newest_id()
    services.complete_lesson(student=carol, lesson=first)
    message = message_after(before, "content_changed", topic=f"user:{carol.pk}")
    assert message["html"] == ""
    parts = parts_by_key(message)
    assert set(parts) == {"card-progress-CS101", "course-progress-CS101", "outline-progress-CS101"}
    assert "1 of 2 lessons complete (50%)" in parts["card-progress-CS101"][0]["html"]
    assert 'id="outline-progress"' in parts["outline-progress-CS101"][0]["html"]
    # Not on the course's topic: the course's other members do not see her progress. Her instructor's
    # open analytics follow on their own topic (notifications/live_analytics.py), the site admins' on theirs.
    assert events_after(before, fields=("kind", "topic")) == [
        ("content_changed", f"user:{carol.pk}"),
        ("content_changed", f"user:{cs101.instructor_id}"),
        ("content_changed", "staff"),
    ]


def test_the_api_renders_progress_changes_in_a_fixed_number_of_queries(
    django_assert_num_queries, carol, carol_in_cs101, cs101
):
    from lms_site.testing.api import client_for

    week = w.module(cs101)
    lessons = [w.lesson(week, title=f"L{number}", position=number) for number in range(8)]
    for lesson in lessons:
        services.complete_lesson(student=carol, lesson=lesson)
    client = client_for(carol)
    # token + user, membership, events, her progress (one query for all of them), the lessons and
    # outline modules of the new_lesson events
    with django_assert_num_queries(7):
        body = client.get("/api/v1/events", {"limit": 100}).json()
    assert sum(1 for message in body["results"] if message["kind"] == "content_changed") == 8
