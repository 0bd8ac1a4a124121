"""Every long text a user writes is Markdown, rendered by the one renderer (courses/markup.py) wherever
it is shown; a feed item quotes it as plain text; every field that takes it says so."""

import html

import pytest
from django.urls import reverse

from courses import services
from courses.markup import MARKDOWN_HELP, markdown_to_text
from courses.models import Announcement, Course, Module, Resource
from lms_site.testing import content as w
from notifications.models import Event
from notifications.rendering import event_message

pytestmark = pytest.mark.django_db

BOLD = "Read **bold** now."
ATTACK = '<script>alert("x")</script><img src=x onerror="alert(1)">'
TEXT = f"{BOLD}\n\n{ATTACK}"


def assert_rendered(page: str) -> None:
    """`**bold**` became <strong>, and the script and the event handler did not survive."""
    assert "<strong>bold</strong>" in page
    assert "Read **bold**" not in page
    assert "<script>alert" not in page
    assert "onerror" not in page


def test_the_course_page_renders_the_description(client, carol, alice):
    course = Course.objects.create(code="MD1", title="Markdown", instructor=alice, is_published=True, description=TEXT)
    client.force_login(carol)
    assert_rendered(client.get(reverse("courses:detail", args=[course.code])).text)


def test_the_catalog_card_renders_the_description(client, carol, alice):
    Course.objects.create(code="MD1", title="Markdown", instructor=alice, is_published=True, description=TEXT)
    client.force_login(carol)
    page = client.get(reverse("courses:catalog")).text
    assert 'class="prose card-text"' in page
    assert_rendered(page)


def test_the_course_page_renders_announcement_bodies(client, carol, alice, cs101, carol_in_cs101):
    services.post_announcement(author=alice, course=cs101, title="Room change", body=TEXT)
    client.force_login(carol)
    assert_rendered(client.get(reverse("courses:detail", args=[cs101.code])).text)


def test_the_dashboard_renders_site_announcement_bodies(client, carol, root):
    services.post_announcement(author=root, title="Maintenance", body=TEXT)
    client.force_login(carol)
    page = client.get(reverse("courses:dashboard")).text
    news = page.split('class="site-news"')[1].split("</section>")[0]
    assert_rendered(news)


def test_the_resource_page_renders_the_text(client, carol, cs101, carol_in_cs101):
    resource = services.add_resource(course=cs101, title="Reading", body=TEXT)
    client.force_login(carol)
    assert_rendered(client.get(reverse("courses:resource", args=[cs101.code, resource.pk])).text)


def test_the_outline_renders_module_summaries(client, carol, cs101, carol_in_cs101):
    module = w.module(cs101)
    Module.objects.filter(pk=module.pk).update(summary=TEXT)
    w.lesson(module)
    client.force_login(carol)
    assert_rendered(client.get(reverse("courses:outline", args=[cs101.code])).text)


def test_the_assignment_page_renders_my_submitted_text(client, carol, cs101, carol_in_cs101):
    essay = w.assignment_lesson(w.module(cs101), max_points=10, due_at=w.later(days=2))
    services.submit_assignment(student=carol, assignment=essay, text=TEXT)
    client.force_login(carol)
    page = client.get(reverse("courses:lesson", args=[cs101.code, essay.lesson.pk])).text
    assert 'class="prose submission-text"' in page
    assert_rendered(page)


def test_markdown_to_text_keeps_the_words_and_drops_the_markup():
    assert markdown_to_text(f"# Title\n\n{TEXT}\n\n- one\n- two & 3 < 4") == "Title Read bold now. one two & 3 < 4"
    assert markdown_to_text("") == ""


def test_a_feed_item_shows_the_summary_as_plain_text_on_page_load(client, carol, alice, cs101, carol_in_cs101):
    services.post_announcement(author=alice, course=cs101, title="Room change", body=TEXT)
    client.force_login(carol)
    page = client.get(reverse("courses:dashboard")).text
    summary = page.split('<p class="feed-summary">')[1].split("</p>")[0]
    assert html.unescape(summary) == "Read bold now."


def test_a_feed_item_shows_the_summary_as_plain_text_in_the_socket_message(alice, cs101):
    announcement = services.post_announcement(author=alice, course=cs101, title="Room change", body=TEXT)
    event = Event.objects.get(kind=Event.Kind.ANNOUNCEMENT, payload__title=announcement.title)
    message = event_message(event)
    summary = message["html"].split('<p class="feed-summary">')[1].split("</p>")[0]
    assert html.unescape(summary) == "Read bold now."
    assert "**" not in message["html"] and "<strong>" not in message["html"]


def test_a_feed_item_escapes_what_the_plain_text_quotes(alice, cs101):
    announcement = services.post_announcement(author=alice, course=cs101, title="Compare", body="Is `a<b` & *c*?")
    event = Event.objects.get(kind=Event.Kind.ANNOUNCEMENT, payload__title=announcement.title)
    assert '<p class="feed-summary">Is a&lt;b &amp; c?</p>' in event_message(event)["html"]


@pytest.mark.parametrize("model", ["course", "announcement", "resource", "module", "lesson"])
def test_the_admin_forms_say_the_text_is_markdown(client, root, model):
    client.force_login(root)
    response = client.get(reverse(f"admin:courses_{model}_add"))
    assert response.status_code == 200
    assert MARKDOWN_HELP in response.text


def test_the_page_forms_say_the_text_is_markdown(client, carol, cs101, carol_in_cs101):
    essay = w.assignment_lesson(w.module(cs101), accepts_text=True, due_at=w.later(days=2))
    client.force_login(carol)
    assert MARKDOWN_HELP in client.get(reverse("courses:threads", args=[cs101.code])).text
    assert MARKDOWN_HELP in client.get(reverse("courses:lesson", args=[cs101.code, essay.lesson.pk])).text


def test_every_markdown_field_has_the_one_help_text():
    fields = [
        Course._meta.get_field("description"),
        Resource._meta.get_field("body"),
        Announcement._meta.get_field("body"),
        Module._meta.get_field("summary"),
    ]
    assert all(field.help_text == MARKDOWN_HELP for field in fields)
