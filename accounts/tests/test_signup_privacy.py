"""Sign-up tells nobody which addresses have accounts: the page and the API answer the same way,
the address's owner gets a mail instead; sign-up is throttled per address, page and API alike."""

import re

import pytest

from accounts.models import User
from lms_site.testing.api import client_for, error_of

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
REGISTER = "/api/v1/auth/register"


def page_data(**overrides):
    return {
        "username": "erin",
        "email": "erin@example.edu",
        "password1": "correct-horse-battery",
        "password2": "correct-horse-battery",
    } | overrides


def api_data(**overrides):
    return {"username": "erin", "email": "erin@example.edu", "password": "a-long-passphrase-42"} | overrides


def test_the_page_answers_the_same_for_a_taken_address(client, carol):
    new = client.post(SIGNUP, page_data(), follow=True)
    taken = client.post(SIGNUP, page_data(username="erin2", email="CAROL@example.edu"), follow=True)
    assert new.redirect_chain == [("/accounts/signup/sent/", 302)]
    assert taken.redirect_chain == new.redirect_chain
    assert taken.text == new.text and "Check your email" in taken.text
    assert "already exists" not in taken.text
    assert not User.objects.filter(username="erin2").exists()


def test_the_api_answers_the_same_status_and_body_for_a_taken_address(carol):
    new = client_for().post(REGISTER, api_data(), format="json")
    taken = client_for().post(REGISTER, api_data(username="erin2", email="CAROL@example.edu"), format="json")
    assert new.status_code == taken.status_code == 202
    assert new.json() == taken.json() == {"detail": "Check your email: follow the link in it to finish signing up."}


def test_the_owner_of_a_taken_address_is_told_someone_tried(client, carol, mailoutbox):
    client.post(SIGNUP, page_data(username="mallory", email="carol@example.edu"))
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["carol@example.edu"]
    assert "Someone tried to sign up with your address" in message.subject
    assert "username: carol" in message.body and "/accounts/password/reset/" in message.body
    carol.refresh_from_db()
    assert carol.check_password("pw-carolcarol")


def test_a_new_address_gets_a_link_that_activates_once(client, mailoutbox):
    client.post(SIGNUP, page_data())
    assert [m.to for m in mailoutbox] == [["erin@example.edu"]]
    link = re.search(r"https?://[^/\s]+(/accounts/activate/\S+/)", mailoutbox[0].body).group(1)
    assert client.post("/accounts/login/", {"username": "erin", "password": "correct-horse-battery"}).status_code == 200
    assert client.get(link).url == "/accounts/login/"
    assert User.objects.get(username="erin").is_active
    assert client.post("/accounts/login/", {"username": "erin", "password": "correct-horse-battery"}).status_code == 302
    assert client.get(link).status_code == 400


def test_a_forged_activation_link_is_a_clear_400(client, carol):
    carol.is_active = False
    carol.save()
    assert client.get("/accounts/activate/Mg/not-a-token/").status_code == 400
    assert client.get("/accounts/activate/%%%/x-y/").status_code == 400
    carol.refresh_from_db()
    assert not carol.is_active


def test_the_page_is_throttled_per_address(client, settings):
    for n in range(10):
        client.post(SIGNUP, page_data(username=f"user{n}", email=f"user{n}@example.edu"))
    response = client.post(SIGNUP, page_data())
    assert response.status_code == 429
    assert "Too many sign-ups from your address" in response.text
    assert not User.objects.filter(username="erin").exists()
    other = client.post(SIGNUP, page_data(), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_page_and_api_share_the_per_address_limit(client):
    for n in range(10):
        client.post(SIGNUP, page_data(username=f"user{n}", email=f"user{n}@example.edu"))
    error = error_of(client_for().post(REGISTER, api_data(), format="json"))
    assert error["status"] == 429
