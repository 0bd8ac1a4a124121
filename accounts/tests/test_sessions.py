"""The sessions page: every place the account is logged in, and logging them out."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.sessions import UserSession

pytestmark = pytest.mark.django_db

SESSIONS = reverse("accounts:sessions")
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


def logged_in(user, agent, address) -> Client:
    """A client that logged in through the real form, as a browser at `address` would."""
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    password = f"pw-{user.username * 2}"
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": password})
    assert response.status_code == 302, response
    return client


@pytest.fixture
def laptop(carol):
    return logged_in(carol, FIREFOX, "198.51.100.7")


@pytest.fixture
def phone(carol):
    return logged_in(carol, IPHONE, "203.0.113.9")


def test_anonymous_is_sent_to_login(client):
    assert client.get(SESSIONS).url.startswith(reverse("accounts:login"))


def test_it_lists_both_sessions_and_marks_this_one(laptop, phone):
    page = laptop.get(SESSIONS).text
    assert "Firefox on Linux" in page
    assert "Mobile Safari on iOS (iPhone)" in page
    assert "198.51.100.7" in page and "203.0.113.9" in page
    assert page.count("(this session)") == 1
    this_row = page[: page.index("(this session)")].rsplit("<tr>", 1)[1]
    assert "Firefox" in this_row
    assert "Log out everywhere else" in page


def test_logging_out_everywhere_else_ends_the_other_session_and_keeps_this_one(laptop, phone, carol):
    phone_key = phone.session.session_key
    response = laptop.post(reverse("accounts:sessions_end_others"))
    assert response.url == SESSIONS
    assert "Logged out 1 other session." in laptop.get(SESSIONS).text

    assert not Session.objects.filter(session_key=phone_key).exists()  # gone from the store itself
    assert phone.get(reverse("accounts:profile")).url.startswith(reverse("accounts:login"))  # anonymous now
    assert laptop.get(reverse("accounts:profile")).status_code == 200
    assert list(UserSession.objects.filter(user=carol).values_list("user_agent", flat=True)) == [FIREFOX]


def test_logging_out_one_session(laptop, phone):
    row = UserSession.objects.get(session_key=phone.session.session_key)
    laptop.post(reverse("accounts:session_end", args=[row.pk]))
    assert phone.get(reverse("accounts:profile")).status_code == 302
    assert laptop.get(reverse("accounts:profile")).status_code == 200


def test_nobody_can_log_out_someone_elses_session(laptop, dave):
    row = UserSession.objects.get(session_key=laptop.session.session_key)
    intruder = logged_in(dave, FIREFOX, "192.0.2.1")
    intruder.post(reverse("accounts:session_end", args=[row.pk]))
    assert laptop.get(reverse("accounts:profile")).status_code == 200
    assert "192.0.2.1" not in laptop.get(SESSIONS).text and "198.51.100.7" not in intruder.get(SESSIONS).text


def test_logging_out_forgets_the_session(laptop, phone):
    key = phone.session.session_key
    phone.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(session_key=key).exists()
    assert "203.0.113.9" not in laptop.get(SESSIONS).text


NEW_PASSWORD = "a-new-long-phrase-42"


def test_a_session_ended_by_a_password_change_is_not_listed(laptop, phone, carol):
    laptop.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-carolcarol", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    page = laptop.get(SESSIONS).text
    assert "Mobile Safari" not in page
    assert "You are not logged in anywhere else." in page


def test_last_seen_moves_at_most_once_a_minute(laptop):
    row = UserSession.objects.get(session_key=laptop.session.session_key)
    seen = row.last_seen_at
    laptop.get(reverse("accounts:profile"))
    row.refresh_from_db()
    assert row.last_seen_at == seen  # within the minute of logging in

    cache.delete(f"accounts:session-seen:{row.session_key}")  # as if the minute had passed
    laptop.get(reverse("accounts:profile"))
    row.refresh_from_db()
    assert row.last_seen_at > seen


@pytest.mark.parametrize("others", [1, 4])
def test_the_page_reads_the_same_number_of_rows_however_many_sessions(laptop, carol, others, django_assert_num_queries):
    for n in range(others):
        logged_in(carol, IPHONE, f"203.0.113.{n + 1}")
    laptop.get(SESSIONS)  # last-seen written once a minute at most: not part of the count below
    with django_assert_num_queries(8):
        assert laptop.get(SESSIONS).text.count("<tr>") == others + 2  # header row, this one, the others
