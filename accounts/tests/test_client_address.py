"""Only the configured number of proxies is believed about the caller's address: a client that
rotates X-Forwarded-For neither escapes the API's throttles nor gets fresh lock-out counters."""

import pytest
from django.test import RequestFactory

from lms_site.addresses import client_address
from lms_site.testing.api import client_for, error_of

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register"


def test_rotating_x_forwarded_for_does_not_reset_the_auth_throttle():
    client = client_for()
    statuses = [
        client.post(REGISTER, {}, format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(10)
    ]
    assert statuses == [400] * 10
    response = client.post(REGISTER, {}, format="json", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert error_of(response)["status"] == 429


def test_with_no_proxies_the_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_address(request) == "192.0.2.1"


def test_with_one_proxy_the_address_it_added_counts_not_what_the_client_sent(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.44")
    assert client_address(request) == "192.0.2.44"


def test_the_shipped_nginx_sets_the_header_instead_of_appending():
    from django.conf import settings

    conf = (settings.BASE_DIR / "deploy" / "nginx" / "lms.conf").read_text()
    assert "$proxy_add_x_forwarded_for" not in conf
    assert conf.count("proxy_set_header X-Forwarded-For $remote_addr;") == 2
