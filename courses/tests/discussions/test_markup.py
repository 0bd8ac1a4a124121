"""User text becomes HTML in one place (courses/markup.py): Markdown, then a sanitiser that removes
scripts, event handlers and javascript: URLs, whatever the Markdown parser let through."""

import pytest
from django.urls import reverse

from courses import services
from courses.markup import render_markdown
from lms_site.testing import content as w

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<div onclick="alert(1)" style="background:url(javascript:alert(1))">x</div>',
    '<svg onload="alert(1)"><circle/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    "<a href='&#106;avascript:alert(1)'>x</a>",
    '<p onmouseover="alert(1)">hover</p>',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_scripts_handlers_and_javascript_urls_are_removed(attack):
    html = render_markdown(attack).lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "onclick" not in html and "onload" not in html and "onmouseover" not in html
    assert "<iframe" not in html and "style=" not in html


def test_markdown_still_renders():
    html = render_markdown("# Title\n\n**bold** and `code` and [a link](https://example.edu)\n\n- one\n- two")
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html
    assert '<a href="https://example.edu" rel="noopener noreferrer nofollow">a link</a>' in html
    assert "<li>one</li>" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


@pytest.mark.django_db
def test_a_hostile_post_is_harmless_on_the_thread_page(client, carol, carol_in_cs101, cs101):
    thread = services.start_thread(
        author=carol, course=cs101, title="<script>alert('title')</script>", body="\n\n".join(ATTACKS)
    )
    client.force_login(carol)
    page = client.get(reverse("courses:thread", args=["CS101", thread.pk])).text.lower()
    body = page.split('<ol class="posts"', 1)[1].split("data-live-announcer", 1)[0]
    assert "<script" not in body and "javascript:" not in body and "onerror" not in body
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page


@pytest.mark.django_db
def test_lesson_text_is_sanitised_on_the_lesson_page(client, carol, carol_in_cs101, cs101):
    item = w.lesson(w.module(cs101), body="Hello <script>alert(1)</script> <img src=x onerror=alert(1)>")
    client.force_login(carol)
    page = client.get(reverse("courses:lesson", args=["CS101", item.pk])).text
    lesson_body = page.split('class="prose lesson-body"', 1)[1].split("</div>", 1)[0]
    assert "Hello" in lesson_body and "<script" not in lesson_body and "onerror" not in lesson_body
