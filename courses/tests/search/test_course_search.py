"""Search inside a course: lessons the member may see, resources, threads and posts (not removed
ones), ranked, with escaped highlighted snippets; members only."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Subscription
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db


def search_url(course) -> str:
    return reverse("courses:course_search", args=[course.code])


def kinds_and_titles(response) -> list[tuple[str, str]]:
    return [(hit.kind, hit.title) for hit in response.context["hits"]]


@pytest.fixture
def material(alice, carol, cs101, carol_in_cs101):
    week = w.module(cs101)
    lessons = {
        "loops": w.lesson(week, "Loops", body="Repeat with *for* and while.", position=0),
        "recursion": w.lesson(week, "Functions", body="Recursion: a function calling itself.", position=1),
        "draft": w.lesson(week, "Recursion drafts", published=False, position=2),
        "later": w.lesson(week, "Recursion later", release_at=w.later(days=2), position=3),
    }
    resource = services.add_resource(course=cs101, title="Cheat sheet", body="Recursion in one page.", by=alice)
    thread = services.start_thread(
        author=carol, course=cs101, title="Help with recursion", body="Base cases confuse me."
    )
    return {"lessons": lessons, "resource": resource, "thread": thread, "post": thread.posts.get()}


def test_a_member_finds_lessons_resources_threads_and_posts(client, carol, cs101, material):
    client.force_login(carol)
    response = client.get(search_url(cs101), {"q": "recursion"})
    assert response.status_code == 200
    found = kinds_and_titles(response)
    assert ("lesson", "Functions") in found
    assert ("resource", "Cheat sheet") in found
    assert ("thread", "Help with recursion") in found
    assert ("lesson", "Recursion drafts") not in found and ("lesson", "Recursion later") not in found
    post = client.get(search_url(cs101), {"q": "base cases"})
    assert kinds_and_titles(post) == [("post", "Help with recursion")]  # a post is titled by its thread
    assert post.context["hits"][0].url.endswith(f"#post-{material['post'].pk}")


def test_the_teacher_also_finds_drafts_and_unreleased_lessons(client, alice, cs101, material):
    client.force_login(alice)
    found = kinds_and_titles(client.get(search_url(cs101), {"q": "recursion"}))
    assert ("lesson", "Recursion drafts") in found and ("lesson", "Recursion later") in found


def test_a_title_match_ranks_above_a_text_match(client, carol, cs101, material):
    client.force_login(carol)
    hits = client.get(search_url(cs101), {"q": "loops"}).context["hits"]
    assert (hits[0].kind, hits[0].title) == ("lesson", "Loops")
    w.lesson(material["lessons"]["loops"].module, "Iteration", body="More loops, nested loops.", position=9)
    hits = client.get(search_url(cs101), {"q": "loops"}).context["hits"]
    assert [h.title for h in hits] == ["Loops", "Iteration"]
    assert hits[0].rank > hits[1].rank


def test_removed_posts_and_other_courses_are_not_found(client, alice, carol, cs101, ma201, material):
    services.remove_post(user=alice, post=material["post"])
    Subscription.objects.create(student=carol, course=ma201)
    services.add_resource(course=ma201, title="Recursion elsewhere", body="x", by=ma201.instructor)
    client.force_login(carol)
    assert kinds_and_titles(client.get(search_url(cs101), {"q": "base cases"})) == []
    assert ("resource", "Recursion elsewhere") not in kinds_and_titles(
        client.get(search_url(cs101), {"q": "recursion"})
    )


def test_edits_are_found_and_the_old_words_are_not(client, carol, cs101, material):
    services.edit_post(user=carol, post=material["post"], body="Now about memoisation.")
    client.force_login(carol)
    assert kinds_and_titles(client.get(search_url(cs101), {"q": "memoisation"})) == [("post", "Help with recursion")]
    assert kinds_and_titles(client.get(search_url(cs101), {"q": "confuse"})) == []


def test_snippets_escape_the_stored_text_and_mark_the_match(client, alice, carol, cs101, carol_in_cs101):
    services.add_resource(
        course=cs101, title="Tricky", body='<script>alert(1)</script> <b>bold</b> "quotes" & zebra', by=alice
    )
    client.force_login(carol)
    response = client.get(search_url(cs101), {"q": "zebra"})
    snippet = str(response.context["hits"][0].snippet)
    # SQLite's snippet keeps the tags as text (escaped here); PostgreSQL's ts_headline drops them.
    assert "<script" not in snippet and "<b>" not in snippet
    assert "&amp;" in snippet and "&quot;quotes&quot;" in snippet
    assert "<mark>zebra</mark>" in snippet
    assert "<script>alert(1)" not in response.text


def test_stored_markers_cannot_make_markup(client, alice, carol, cs101, carol_in_cs101):
    services.add_resource(course=cs101, title="Markers", body="\ue001 walrus \ue000 <i>x</i>", by=alice)
    client.force_login(carol)
    snippet = str(client.get(search_url(cs101), {"q": "walrus"}).context["hits"][0].snippet)
    assert snippet.count("<mark>") == snippet.count("</mark>")
    assert "<i>" not in snippet


@pytest.mark.parametrize("query", ['"', "*", "AND", "-", "NEAR(", "'", "body:x", "^", "(", "💥", "c1", "recursion OR"])
def test_odd_input_gives_a_page_never_an_error(client, carol, cs101, material, query):
    client.force_login(carol)
    assert client.get(search_url(cs101), {"q": query}).status_code == 200


def test_a_query_too_long_is_a_form_error(client, carol, cs101, carol_in_cs101):
    client.force_login(carol)
    response = client.get(search_url(cs101), {"q": "x" * 101})
    assert response.status_code == 400
    assert "at most 100 characters" in response.text


def test_only_members_may_search(client, carol, dave, alice, bob, cs101, draft, material):
    assert client.get(search_url(cs101), {"q": "recursion"}).status_code == 302  # to log in
    client.force_login(dave)
    assert client.get(search_url(cs101), {"q": "recursion"}).status_code == 404
    client.force_login(bob)
    assert client.get(search_url(draft)).status_code == 404
    cs101.is_published = False
    cs101.save()
    client.force_login(carol)  # subscribed, but an unpublished course has no student members
    assert client.get(search_url(cs101), {"q": "recursion"}).status_code == 404


def test_the_course_page_offers_the_search_to_members_only(client, carol, dave, cs101, carol_in_cs101):
    client.force_login(carol)
    assert search_url(cs101) in client.get(cs101.get_absolute_url()).text
    client.force_login(dave)
    assert search_url(cs101) not in client.get(cs101.get_absolute_url()).text


@pytest.mark.parametrize("extra", [0, 20])
def test_its_query_count_does_not_grow_with_the_content(
    client, alice, carol, cs101, material, django_assert_num_queries, extra
):
    week = material["lessons"]["loops"].module
    for n in range(extra):
        w.lesson(week, f"Recursion {n}", position=10 + n)
        services.add_resource(course=cs101, title=f"Recursion sheet {n}", body="recursion", by=alice)
    client.force_login(carol)
    # session, user, course, subscription (membership), the search,
    # header: membership, read cursor, capped unread count, newest id
    with django_assert_num_queries(9):
        response = client.get(search_url(cs101), {"q": "recursion"})
    assert len(response.context["hits"]) == min(3 + 2 * extra, 30)


def test_the_results_are_a_list_with_headings_and_a_labelled_field(client, carol, cs101, material):
    client.force_login(carol)
    html = client.get(search_url(cs101), {"q": "recursion"}).text
    assert '<label for="course-search-q">Search this course</label>' in html
    assert 'role="search"' in html
    assert '<ol class="item-list search-results"' in html
    assert html.count('<h2 class="search-hit-title">') == 3
    assert 'aria-live="polite"' in html
