"""Changing the email address: the password first, then a signed, expiring link to the new address;
both addresses hear of it, and nothing changes before the link is confirmed."""

import re

import pytest
from django.core import signing
from django.urls import reverse

from accounts import email_change

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:email_change")


def ask(client, email="carol.new@example.edu", password="pw-carolcarol"):  # noqa: S107 (the fixture's password)
    return client.post(CHANGE, {"email": email, "password": password})


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/email/confirm/[^/\s]+/)", message.body).group(1)


def test_anonymous_is_sent_to_login(client):
    assert client.get(CHANGE).url.startswith(reverse("accounts:login"))


def test_a_wrong_password_is_refused_and_nothing_is_sent(client, carol, mailoutbox):
    client.force_login(carol)
    response = ask(client, password="not-my-password")
    assert response.status_code == 200
    assert 'id="id_password_error"' in response.text
    assert mailoutbox == []


def test_an_address_another_account_uses_is_refused(client, carol, dave, mailoutbox):
    client.force_login(carol)
    response = ask(client, email="DAVE@example.edu")
    assert 'id="id_email_error"' in response.text
    assert "Another account uses this email address." in response.text
    assert mailoutbox == []


def test_both_addresses_are_mailed_and_nothing_changes_yet(client, carol, mailoutbox):
    client.force_login(carol)
    assert ask(client).url == reverse("accounts:profile")
    carol.refresh_from_db()
    assert carol.email == "carol@example.edu"
    to_new, to_old = mailoutbox
    assert to_new.to == ["carol.new@example.edu"]
    assert link_in(to_new)
    assert to_old.to == ["carol@example.edu"]
    assert "carol.new@example.edu" in to_old.body
    assert "/accounts/email/confirm/" not in to_old.body  # the old mailbox cannot confirm


def test_opening_the_link_asks_and_only_the_confirmation_changes_it(client, carol, mailoutbox):
    client.force_login(carol)
    ask(client)
    link = link_in(mailoutbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm new address" in page.text
    carol.refresh_from_db()
    assert carol.email == "carol@example.edu"

    assert client.post(link).url == reverse("accounts:profile")
    carol.refresh_from_db()
    assert carol.email == "carol.new@example.edu"
    changed = mailoutbox[-1]
    assert changed.to == ["carol@example.edu"]
    assert "changed" in changed.subject
    assert "carol.new@example.edu" in changed.body


def test_a_link_works_once(client, carol, mailoutbox):
    client.force_login(carol)
    ask(client)
    link = link_in(mailoutbox[0])
    client.post(link)
    again = client.post(link)
    assert again.status_code == 400
    assert "already been used" in again.text


def test_an_expired_link_is_refused_with_a_clear_message(client, carol, mailoutbox, settings):
    client.force_login(carol)
    ask(client)
    link = link_in(mailoutbox[0])
    settings.EMAIL_CHANGE_MAX_AGE = -1
    response = client.post(link)
    assert response.status_code == 400
    assert "This confirmation link has expired." in response.text
    carol.refresh_from_db()
    assert carol.email == "carol@example.edu"


def test_a_tampered_link_is_refused_with_a_clear_message(client, carol, mailoutbox):
    client.force_login(carol)
    token = email_change.make_token(user=carol, new_email="carol.new@example.edu")
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"user": carol.pk, "old": carol.email, "new": "evil@example.edu"}, salt="other")
    for bad in [payload + "x:" + rest, forged]:
        response = client.post(reverse("accounts:email_confirm", args=[bad]))
        assert response.status_code == 400
        assert "This confirmation link is not valid." in response.text
    carol.refresh_from_db()
    assert carol.email == "carol@example.edu"


def test_someone_elses_link_is_refused(client, carol, dave):
    token = email_change.make_token(user=carol, new_email="carol.new@example.edu")
    client.force_login(dave)
    response = client.post(reverse("accounts:email_confirm", args=[token]))
    assert response.status_code == 400
    assert "for another account" in response.text
    carol.refresh_from_db()
    dave.refresh_from_db()
    assert (carol.email, dave.email) == ("carol@example.edu", "dave@example.edu")
