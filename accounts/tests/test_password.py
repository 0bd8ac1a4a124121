import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_change_needs_the_old_password(client, carol):
    client.force_login(carol)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "a-brand-new-secret", "new_password2": "a-brand-new-secret"},
    )
    assert response.status_code == 200
    assert 'id="id_old_password_error"' in response.text
    carol.refresh_from_db()
    assert carol.check_password("pw-carolcarol")


def test_change_sets_the_new_password_and_keeps_me_logged_in(client, carol):
    client.force_login(carol)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-carolcarol", "new_password1": "a-brand-new-secret", "new_password2": "a-brand-new-secret"},
    )
    assert response.url == reverse("accounts:password_change_done")
    carol.refresh_from_db()
    assert carol.check_password("a-brand-new-secret")
    assert client.get(response.url).status_code == 200


def test_change_needs_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.url.startswith(reverse("accounts:login"))


def test_reset_sends_a_mail_whose_link_sets_a_new_password(client, carol):
    response = client.post(reverse("accounts:password_reset"), {"email": "carol@example.edu"})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["carol@example.edu"]
    assert "Lumen LMS" in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)

    # The first visit trades the token for a session and redirects to the form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.text
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "a-brand-new-secret", "new_password2": "a-brand-new-secret"})
    assert done.url == reverse("accounts:password_reset_complete")
    carol.refresh_from_db()
    assert carol.check_password("a-brand-new-secret")
    # Used once, the link is dead.
    assert "This link no longer works" in client.get(link, follow=True).text


def test_reset_for_an_unknown_address_sends_nothing_but_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.edu"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []
