"""The catalog's full-text search: code, title, description and instructor, ranked, on whichever
database the run uses (SQLite FTS5 or PostgreSQL tsvector; DATABASE_URL picks)."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Course

pytestmark = pytest.mark.django_db

CATALOG = reverse("courses:catalog")
API = "/api/v1/courses"

ODD = [
    '"',
    "*",
    "AND",
    "-",
    "NEAR(",
    "'",
    '"unterminated',
    "a OR",
    "title:x",
    "^",
    "(",
    ")",
    "{code}",
    "NOT",
    "-x",
    "💥",
    " ",
    "x" * 100,
]


def codes(response) -> list[str]:
    return [course.code for course in response.context["page_obj"]]


@pytest.fixture
def stats(alice):
    return Course.objects.create(
        code="ST110",
        title="Statistics",
        description="Sampling, regression and the *bootstrap* for everyday data.",
        instructor=alice,
        is_published=True,
    )


def test_a_word_of_the_description_finds_its_course(client, cs101, ma201, stats):
    response = client.get(CATALOG, {"q": "bootstrap"})
    assert codes(response) == ["ST110"]
    assert "1 course matching" in response.text


def test_the_instructors_name_finds_their_courses(client, cs101, ma201, stats):
    assert codes(client.get(CATALOG, {"q": "Archer"})) == ["CS101", "ST110"]  # alice's, by code at equal rank
    assert codes(client.get(CATALOG, {"q": "bob"})) == ["MA201"]


def test_a_title_match_ranks_above_a_description_match(client, alice):
    Course.objects.create(
        code="AA100", title="Poetry", description="With some regression.", instructor=alice, is_published=True
    )
    Course.objects.create(code="ZZ900", title="Regression", description="", instructor=alice, is_published=True)
    assert codes(client.get(CATALOG, {"q": "regression"})) == ["ZZ900", "AA100"]


def test_every_word_must_match_and_the_last_may_be_a_prefix(client, cs101, ma201, stats):
    assert codes(client.get(CATALOG, {"q": "introduction progr"})) == ["CS101"]
    assert codes(client.get(CATALOG, {"q": "cs1"})) == ["CS101"]
    assert codes(client.get(CATALOG, {"q": "introduction algebra"})) == []


def test_stemming_finds_other_forms_of_a_word(client, stats):
    assert codes(client.get(CATALOG, {"q": "samples regressions"})) == ["ST110"]


def test_it_finds_only_courses_the_searcher_may_see(client, carol, alice, draft):
    assert codes(client.get(CATALOG, {"q": "seminar"})) == []
    client.force_login(carol)
    assert codes(client.get(CATALOG, {"q": "seminar"})) == []
    client.force_login(alice)
    assert codes(client.get(CATALOG, {"q": "seminar"})) == ["CS999"]


def test_the_index_follows_every_change(client, alice, bob, stats):
    stats.description = "Now about survey weights."
    services.save_course(course=stats, by=alice)
    assert codes(client.get(CATALOG, {"q": "bootstrap"})) == []
    assert codes(client.get(CATALOG, {"q": "survey"})) == ["ST110"]
    alice.last_name = "Zephyr"
    alice.save()
    assert codes(client.get(CATALOG, {"q": "zephyr"})) == ["ST110"]
    assert codes(client.get(CATALOG, {"q": "archer"})) == []
    stats.delete()
    assert codes(client.get(CATALOG, {"q": "survey"})) == []


def test_bulk_inserted_courses_are_found(client, alice):
    Course.objects.bulk_create(
        Course(code=f"B{n:03d}", title=f"Bulk {n}", description="orchids", instructor=alice, is_published=True)
        for n in range(3)
    )
    assert codes(client.get(CATALOG, {"q": "orchid"})) == ["B000", "B001", "B002"]


@pytest.mark.parametrize("query", ODD)
def test_odd_input_is_plain_text_never_an_error(client, cs101, stats, query):
    response = client.get(CATALOG, {"q": query})
    assert response.status_code == 200
    assert client.get(API, {"search": query[:100]}).status_code == 200


def test_words_that_are_fts_operators_are_searched_as_words(client, alice):
    Course.objects.create(
        code="LG101", title="Logic", description="NOT, AND and NEAR", instructor=alice, is_published=True
    )
    assert codes(client.get(CATALOG, {"q": "NEAR("})) == ["LG101"]
    assert codes(client.get(CATALOG, {"q": "logic NOT"})) == ["LG101"]


def test_the_api_searches_the_same_way(client, cs101, ma201, stats):
    response = client.get(API, {"search": "bootstrap"})
    assert response.status_code == 200
    assert [c["code"] for c in response.json()["results"]] == ["ST110"]


@pytest.mark.parametrize("extra_courses", [0, 25])
def test_the_search_query_count_does_not_grow_with_the_catalog(
    client, carol, alice, carol_in_cs101, django_assert_num_queries, extra_courses
):
    Course.objects.bulk_create(
        Course(code=f"X{n:03d}", title=f"Extra {n}", description="programming", instructor=alice, is_published=True)
        for n in range(extra_courses)
    )
    client.force_login(carol)
    # session, user, count, page of courses, my subscriptions,
    # header: membership, read cursor, capped unread count, newest id (no catalog news with a query)
    with django_assert_num_queries(9):
        response = client.get(CATALOG, {"q": "programming"})
    assert codes(response)[0] == "CS101"
    assert len(codes(response)) == min(1 + extra_courses, 12)
