import pytest
from django.urls import reverse

from courses.models import Course

pytestmark = pytest.mark.django_db

CATALOG = reverse("courses:catalog")


def codes(response) -> list[str]:
    return [course.code for course in response.context["page_obj"]]


def test_it_lists_published_courses_to_anonymous_visitors(client, cs101, ma201, draft):
    response = client.get(CATALOG)
    assert response.status_code == 200
    assert codes(response) == ["CS101", "MA201"]


def test_it_hides_unpublished_courses_from_students(client, carol, draft):
    client.force_login(carol)
    assert codes(client.get(CATALOG)) == []


def test_it_shows_an_instructor_their_own_drafts_only(client, alice, bob, draft):
    Course.objects.create(code="MA999", title="Bob's draft", instructor=bob)
    client.force_login(alice)
    assert codes(client.get(CATALOG)) == ["CS999"]


def test_it_shows_admins_every_course(client, root, cs101, draft):
    client.force_login(root)
    assert codes(client.get(CATALOG)) == ["CS101", "CS999"]


@pytest.mark.parametrize(("query", "expected"), [("cs1", ["CS101"]), ("algebra", ["MA201"]), ("zzz", [])])
def test_it_searches_by_code_or_title(client, cs101, ma201, query, expected):
    response = client.get(CATALOG, {"q": query})
    assert codes(response) == expected
    if not expected:
        assert "No course matches" in response.text


def test_it_paginates(client, alice):
    Course.objects.bulk_create(
        Course(code=f"C{n:03d}", title=f"Course {n}", instructor=alice, is_published=True) for n in range(30)
    )
    first = client.get(CATALOG)
    third = client.get(CATALOG, {"page": 3})
    assert len(codes(first)) == 12
    assert codes(third) == [f"C{n:03d}" for n in range(24, 30)]
    assert client.get(CATALOG, {"page": "nonsense"}).status_code == 200


def test_it_marks_the_courses_i_follow(client, carol, carol_in_cs101, ma201):
    client.force_login(carol)
    response = client.get(CATALOG)
    assert response.context["subscribed_ids"] == {carol_in_cs101.course_id}
    assert "Subscribed" in response.text


@pytest.mark.parametrize("extra_courses", [0, 25])
def test_its_query_count_does_not_grow_with_the_catalog(
    client, carol, alice, carol_in_cs101, django_assert_num_queries, extra_courses
):
    Course.objects.bulk_create(
        Course(code=f"X{n:03d}", title=f"Extra {n}", instructor=alice, is_published=True) for n in range(extra_courses)
    )
    client.force_login(carol)
    # session, user, count, page of courses, my subscriptions, catalog news,
    # header: membership, read cursor, capped unread count, newest id
    with django_assert_num_queries(10):
        assert client.get(CATALOG).status_code == 200
