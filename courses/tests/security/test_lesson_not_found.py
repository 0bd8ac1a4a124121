"""A student cannot tell a lesson of another course, a draft, an unreleased lesson and an id that
was never used apart: on pages and in the API, each is the same 404, byte for byte."""

import pytest

from lms_site.testing import content as w
from lms_site.testing.api import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson_ids(cs101, ma201, carol_in_cs101):
    mine = w.module(cs101)
    return {
        "another course's": w.lesson(w.module(ma201), title="Elsewhere").pk,
        "draft": w.lesson(mine, title="Draft", published=False).pk,
        "unreleased": w.lesson(mine, title="Soon", release_at=w.later(days=2)).pk,
        "never used": 999_999,
    }


PAGES = [
    "/courses/CS101/lessons/{}/",
    "/courses/CS101/lessons/{}/video/",
    "/courses/CS101/lessons/{}/file/",
    "/courses/MA201/lessons/{}/",
]
API = [
    "/api/v1/courses/CS101/lessons/{}/video",
    "/api/v1/courses/CS101/lessons/{}/file",
    "/api/v1/progress/{}",
]


def same_404(responses: dict) -> None:
    statuses = {name: response.status_code for name, response in responses.items()}
    assert set(statuses.values()) == {404}, statuses
    bodies = {name: response.content for name, response in responses.items()}
    assert len(set(bodies.values())) == 1, bodies


@pytest.mark.parametrize("page", PAGES)
def test_pages_answer_every_hidden_lesson_alike(client, carol, lesson_ids, page):
    client.force_login(carol)
    # Under MA201's own address its released lesson is not hidden from carol, a non-member of the
    # published course: its title is in the public outline, and its page asks her to subscribe
    # (test_a_visible_lesson_of_a_course_i_have_not_joined_asks_me_to_subscribe). The rest stay alike.
    hidden = {
        name: pk
        for name, pk in lesson_ids.items()
        if not (page.startswith("/courses/MA201/") and name == "another course's")
    }
    same_404({name: client.get(page.format(pk)) for name, pk in hidden.items()})


def test_a_visible_lesson_of_a_course_i_have_not_joined_asks_me_to_subscribe(client, carol, lesson_ids):
    client.force_login(carol)
    response = client.get("/courses/MA201/lessons/{}/".format(lesson_ids["another course's"]))
    assert response.status_code == 403
    assert "Subscribe to see this lesson" in response.text


def test_completing_a_hidden_lesson_is_answered_alike(client, carol, lesson_ids):
    client.force_login(carol)
    same_404({name: client.post(f"/courses/CS101/lessons/{pk}/complete/") for name, pk in lesson_ids.items()})


@pytest.mark.parametrize("endpoint", API)
def test_the_api_answers_every_hidden_lesson_alike(carol, lesson_ids, endpoint):
    api = client_for(carol)
    method = api.put if endpoint.startswith("/api/v1/progress") else api.get
    same_404({name: method(endpoint.format(pk), {"completed": True}, format="json") for name, pk in lesson_ids.items()})
