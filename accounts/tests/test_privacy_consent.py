"""Policies and consent: site admins publish versions in the admin, sign-up records acceptance of
the versions in force, a new version is asked for on the next page view, and optional purposes
are recorded with their version and time."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.privacy import services
from accounts.privacy.models import Consent, PolicyDocument

pytestmark = pytest.mark.django_db


def publish(kind: str, version: int, **fields) -> PolicyDocument:
    return PolicyDocument.objects.create(
        kind=kind,
        version=version,
        title=fields.pop("title", f"{kind.title()} v{version}"),
        body=fields.pop("body", f"The {kind} text, version {version}."),
        published_at=fields.pop("published_at", timezone.now() - timedelta(minutes=1)),
    )


@pytest.fixture
def policies():
    return [publish("privacy", 1), publish("terms", 1)]


SIGNUP = {
    "username": "erin",
    "email": "erin@example.edu",
    "first_name": "Erin",
    "last_name": "Ellis",
    "password1": "a-long-pass-phrase-42",
    "password2": "a-long-pass-phrase-42",
}


def test_signup_links_to_both_policies_and_records_their_acceptance(client, policies, mailoutbox):
    page = client.get("/accounts/signup/").content.decode()
    assert 'href="/privacy/"' in page and 'href="/terms/"' in page

    before = timezone.now()
    response = client.post("/accounts/signup/", SIGNUP | {"accept_policies": "on"})
    assert response.status_code == 302
    consents = Consent.objects.filter(user__username="erin")
    assert sorted(consents.values_list("purpose", "version", "given")) == [("privacy", 1, True), ("terms", 1, True)]
    assert all(c.recorded_at >= before for c in consents)
    activation = re.search(r"https?://[^/\s]+(/accounts/activate/\S+/)", mailoutbox[0].body).group(1)
    client.get(activation)
    client.post("/accounts/login/", {"username": "erin", "password": SIGNUP["password1"]})
    assert client.get("/dashboard/").status_code == 200  # nothing left to accept


def test_signup_without_accepting_is_refused(client, policies):
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 200
    assert "Tick the box to accept the policies." in response.content.decode()
    assert not Consent.objects.exists()


def test_with_no_policy_published_signup_asks_nothing(client):
    publish("privacy", 1, published_at=None)  # a draft
    assert "accept_policies" not in client.get("/accounts/signup/").content.decode()
    assert client.post("/accounts/signup/", SIGNUP).status_code == 302


def test_a_new_version_is_asked_for_on_the_next_page_view(client, carol, policies, settings):
    services.accept_policies(user=carol, documents=policies)
    client.force_login(carol)
    assert client.get("/dashboard/").status_code == 200

    publish("privacy", 2, body="Version two says more.")
    settings.PRIVACY_POLICY_RECHECK_SECONDS = 0  # otherwise within a minute
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"] == "/privacy/accept/?next=%2Fdashboard%2F"
    # Reading the policy, one's data, the admin and the API are not held up.
    for path in ("/privacy/", "/terms/", "/accounts/data/"):
        assert client.get(path).status_code == 200, path
    page = client.get(response["Location"]).content.decode()
    assert "Privacy v2" in page and "Terms v1" not in page

    assert client.post("/privacy/accept/", {"next": "/dashboard/"}).status_code == 200  # box not ticked
    response = client.post("/privacy/accept/", {"accept": "on", "next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert Consent.objects.filter(user=carol, purpose="privacy", version=2, given=True).exists()
    assert client.get("/dashboard/").status_code == 200


def test_a_new_version_is_asked_for_at_log_in(client, carol, policies):
    client.force_login(carol)  # accepted nothing yet
    response = client.get("/courses/")
    assert response.status_code == 302 and response["Location"].startswith("/privacy/accept/")


def test_the_accept_page_never_redirects_elsewhere(client, carol, policies):
    client.force_login(carol)
    response = client.post("/privacy/accept/", {"accept": "on", "next": "https://evil.example/"})
    assert response["Location"] == "/dashboard/"


def test_an_unpublished_or_future_version_asks_nothing(client, carol, policies):
    services.accept_policies(user=carol, documents=policies)
    publish("terms", 2, published_at=timezone.now() + timedelta(days=1))
    publish("privacy", 2, published_at=None)
    client.force_login(carol)
    assert client.get("/dashboard/").status_code == 200
    assert "The privacy text, version 1." in client.get("/privacy/").content.decode()


def test_the_policy_pages_show_the_version_in_force(client, policies):
    publish("terms", 2, body="Terms, **second** edition.")
    page = client.get("/terms/").content.decode()
    assert "<strong>second</strong>" in page and "Version 2" in page
    assert client.get("/privacy/").status_code == 200


def test_optional_consent_is_recorded_with_its_version_and_time(client, carol):
    client.force_login(carol)
    client.post("/accounts/data/consents/", {"email_digest": "on"})
    client.post("/accounts/data/consents/", {})
    answers = list(Consent.objects.filter(user=carol).order_by("id").values_list("purpose", "version", "given"))
    assert answers == [("email_digest", 1, True), ("email_digest", 1, False)]
    client.post("/accounts/data/consents/", {})  # no change: nothing recorded
    assert Consent.objects.filter(user=carol).count() == 2


def test_site_admins_edit_policies_and_a_published_text_is_frozen(client, root, alice, policies):
    client.force_login(root)
    response = client.post(
        "/admin/accounts/policydocument/add/",
        {
            "kind": "privacy",
            "version": 2,
            "title": "Privacy",
            "body": "New text.",
            "published_at_0": "",
            "published_at_1": "",
        },
    )
    assert response.status_code == 302
    assert PolicyDocument.objects.filter(kind="privacy", version=2, published_at=None).exists()
    page = client.get(f"/admin/accounts/policydocument/{policies[0].pk}/change/").content.decode()
    assert 'name="body"' not in page  # published: read only, a change is a new version
    client.force_login(alice)
    assert client.get("/admin/accounts/policydocument/").status_code == 403


def test_api_and_admin_are_never_redirected(client, root, policies):
    client.force_login(root)
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/events").status_code == 200
