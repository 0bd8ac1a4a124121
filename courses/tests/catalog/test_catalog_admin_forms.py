"""The catalog's admin forms state their rules before an error does: the course code's format and
that it is permanent, what a resource needs and its upload limit, and whose announcement needs a
course."""

import pytest
from django.urls import reverse

from courses.models import Announcement

pytestmark = pytest.mark.django_db


def help_of(response, field: str) -> str:
    return str(response.context["adminform"].form.fields[field].help_text)


def test_a_new_course_states_the_code_rules_and_that_it_is_permanent(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:courses_course_add"))
    text = help_of(response, "code")
    assert "Letters, digits, '-' and '_', at most 20 (for example CS101)" in text
    assert "cannot be changed once the course is created" in text
    assert text in response.text.replace("&#x27;", "'")


def test_a_resource_states_its_rule_and_upload_limit(client, alice, settings):
    settings.MAX_UPLOAD_MB = 25
    client.force_login(alice)
    response = client.get(reverse("admin:courses_resource_add"))
    assert help_of(response, "file") == (
        "Give exactly one of: a file, a link or a text. Any type; students download it. At most 25 MB."
    )


def test_an_instructor_is_told_their_announcement_needs_a_course(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:courses_announcement_add"))
    assert response.context["adminform"].form.fields["course"].required
    assert help_of(response, "course") == "The course whose members are told: one of yours."
    assert "site-wide" not in response.text


def test_a_site_admin_is_told_an_empty_course_means_site_wide(client, root):
    client.force_login(root)
    response = client.get(reverse("admin:courses_announcement_add"))
    assert not response.context["adminform"].form.fields["course"].required
    assert "Empty: a site-wide announcement, to everyone." in help_of(response, "course")
    client.post(reverse("admin:courses_announcement_add"), {"title": "Hello all", "body": "x"})
    assert Announcement.objects.get(title="Hello all").course is None
