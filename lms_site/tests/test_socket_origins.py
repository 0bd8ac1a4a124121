"""lms_site.origins.origin_allowed as a table: scheme, host and port of the page against the site's
own origins (ALLOWED_HOSTS on the scheme and port the socket came in on) and CSRF_TRUSTED_ORIGINS.
The handshake itself is tested against a real daphne in notifications/tests/test_socket_origin.py."""

import pytest

from lms_site.origins import origin_allowed

# origin, Host header, secure (TLS at daphne or at the proxy), allowed
CASES = [
    # daphne straight (development, tests): the Host header carries the port.
    ("http://127.0.0.1:8000", "127.0.0.1:8000", False, True),
    ("http://localhost:8000", "127.0.0.1:8000", False, True),
    ("http://[::1]:8000", "[::1]:8000", False, True),
    ("http://127.0.0.1:9999", "127.0.0.1:8000", False, False),
    ("http://127.0.0.1", "127.0.0.1:8000", False, False),
    ("https://127.0.0.1:8000", "127.0.0.1:8000", False, False),
    ("https://evil.example", "127.0.0.1:8000", False, False),
    ("http://evil.example:8000", "127.0.0.1:8000", False, False),
    ("http://evil.example:8000", "evil.example:8000", False, False),
    # Behind nginx (deploy/nginx/lms.conf): TLS ends at nginx, which says so in X-Forwarded-Proto.
    ("https://lms.example.edu", "lms.example.edu", True, True),
    ("https://lms.example.edu:443", "lms.example.edu", True, True),
    ("http://lms.example.edu", "lms.example.edu", True, False),
    ("https://lms.example.edu:8443", "lms.example.edu", True, False),
    ("https://lms.example.edu:8443", "lms.example.edu:8443", True, True),
    ("http://lms.example.edu", "lms.example.edu", False, True),
    # CSRF_TRUSTED_ORIGINS: another origin of the same site, exactly or by subdomain.
    ("https://app.partner.example", "lms.example.edu", True, True),
    ("http://app.partner.example", "lms.example.edu", True, False),
    ("https://app.partner.example:8443", "lms.example.edu", True, False),
    ("https://eu.mirror.example", "lms.example.edu", True, True),
    ("https://mirror.example", "lms.example.edu", True, True),
    ("https://evilmirror.example", "lms.example.edu", True, False),
    # Not an origin at all.
    ("", "lms.example.edu", True, False),
    ("null", "lms.example.edu", True, False),
    ("file://", "lms.example.edu", True, False),
    ("https://user@lms.example.edu", "lms.example.edu", True, False),
    ("https://lms.example.edu/path", "lms.example.edu", True, False),
    ("https://lms.example.edu:99999", "lms.example.edu", True, False),
    ("https://lms.example.edu:x", "lms.example.edu", True, False),
    ("https://lms.example.edu", "", True, False),
    ("https://lms.example.edu", "lms.example.edu:x", True, False),
]


@pytest.mark.parametrize(("origin", "host", "secure", "allowed"), CASES)
def test_an_origin_is_allowed_by_scheme_host_and_port(settings, origin, host, secure, allowed):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "lms.example.edu"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.partner.example", "https://*.mirror.example"]
    assert origin_allowed(origin, host_header=host, secure=secure) is allowed
