"""The socket's Origin must be one of the site's own origins: scheme, host and port. A host in
ALLOWED_HOSTS served on the port and scheme the socket came in on, or an entry of
CSRF_TRUSTED_ORIGINS; anything else is refused at the handshake (HTTP 403)."""

import pytest
from django.db import connection
from websockets.exceptions import InvalidStatus

from lms_site.testing.servers import DaphneServer, database_url
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.usefixtures("transactional_db")


def refused(server, user, origin: str) -> bool:
    try:
        client = SocketClient.of(server, user, origin=origin)
    except InvalidStatus as error:
        assert error.response.status_code == 403
        return True
    client.close()
    return False


def test_the_page_of_the_same_scheme_host_and_port_may_open_the_socket(daphne, carol):
    assert not refused(daphne, carol, f"http://127.0.0.1:{daphne.port}")
    assert not refused(daphne, carol, f"http://localhost:{daphne.port}")


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:9999",  # another port on the same host
        "http://127.0.0.1",  # the default port, not this one
        "https://127.0.0.1:{port}",  # another scheme
        "ws://127.0.0.1:{port}",
        "https://evil.example",
        "http://evil.example:{port}",
        "http://127.0.0.1.evil.example:{port}",
        "null",
        "http://127.0.0.1:{port}@evil.example",
    ],
)
def test_another_origin_is_refused_at_the_handshake(daphne, carol, origin):
    assert refused(daphne, carol, origin.format(port=daphne.port))


@pytest.fixture
def trusting_daphne(redis_server):
    """Behind nginx as docs/deploy.md sets it up: HTTPS at nginx, the real origin trusted."""
    server = DaphneServer(
        database_url=database_url(connection.settings_dict),
        redis_url=redis_server.url,
        extra_env={"CSRF_TRUSTED_ORIGINS": "https://lms.example.edu:8443", "BEHIND_PROXY": "1"},
    ).start()
    yield server
    server.stop()


def test_a_csrf_trusted_origin_may_open_the_socket_with_its_own_port_only(trusting_daphne, carol):
    assert not refused(trusting_daphne, carol, "https://lms.example.edu:8443")
    assert refused(trusting_daphne, carol, "https://lms.example.edu")
    assert refused(trusting_daphne, carol, "http://lms.example.edu:8443")
