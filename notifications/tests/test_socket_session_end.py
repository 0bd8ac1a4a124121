"""An open activity socket lives only as long as the log-in it was opened with: a log-out, a
password change (which logs out the other sessions) and a deactivation close it with 4401 within
2 s, on every daphne process; the heartbeat re-checks as a backstop."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from lms_site.testing.admin import AdminSession
from lms_site.testing.events import newest_id
from lms_site.testing.servers import DaphneServer, database_url, session_cookie
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.usefixtures("transactional_db")

NEW_PASSWORD = "Another-Long-Passphrase-42"


@pytest.fixture
def second_daphne(redis_server):
    server = DaphneServer(database_url=database_url(connection.settings_dict), redis_url=redis_server.url).start()
    yield server
    server.stop()


class Browser(AdminSession):
    """One logged-in browser: its HTTP session, and sockets opened with its cookie."""

    @property
    def cookie(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "sessionid")

    def socket(self, server) -> SocketClient:
        client = SocketClient(server, cookie=self.cookie, after=newest_id())
        client.until_heartbeat()
        return client

    def post_form(self, path: str, fields: dict) -> int:
        """POST with the CSRF token of a page that has a form (log-out's own URL only takes POST)."""
        status, page = self.get("/accounts/password/change/")
        assert status == 200, status
        self.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.post(path, fields)


def assert_closed_at_once(clients, since: float) -> None:
    for client in clients:
        assert client.close_code(timeout=2.0 - (time.monotonic() - since) + 0.05) == 4401
    assert time.monotonic() - since <= 2.1


def assert_still_open(clients) -> None:
    for client in clients:
        client.send({"type": "ping"})
        client.until(lambda m: m["type"] == "pong", timeout=5)
        client.until_heartbeat()


def test_log_out_closes_that_sessions_sockets_on_every_process(daphne, second_daphne, carol):
    leaving, staying = Browser.of(daphne, carol), Browser.of(daphne, carol)
    leaving_sockets = [leaving.socket(daphne), leaving.socket(second_daphne)]
    staying_sockets = [staying.socket(daphne), staying.socket(second_daphne)]

    started = time.monotonic()
    assert leaving.post_form("/accounts/logout/", {}) == 302
    assert_closed_at_once(leaving_sockets, started)
    time.sleep(1.5)  # beyond the grace a session has to be renewed
    assert_still_open(staying_sockets)


def test_a_password_change_closes_the_other_sessions_sockets_and_keeps_its_own(daphne, second_daphne, carol):
    changing, other = Browser.of(daphne, carol), Browser.of(daphne, carol)
    changing_sockets = [changing.socket(daphne), changing.socket(second_daphne)]
    other_sockets = [other.socket(daphne), other.socket(second_daphne)]
    old_cookie = changing.cookie

    fields = {"old_password": "pw-carolcarol", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    # Timed from the answer, which hashes the new password.
    assert changing.post_form("/accounts/password/change/", fields) == 302
    assert_closed_at_once(other_sockets, time.monotonic())

    assert changing.cookie != old_cookie  # update_session_auth_hash moved the session to a new key
    time.sleep(1.5)
    assert_still_open(changing_sockets)
    # and they keep holding on the heartbeats that follow (the backstop checks the new key)
    for client in changing_sockets:
        assert client.close_code(timeout=2.5) is None


def test_deactivating_the_account_closes_every_socket_on_every_process(daphne, second_daphne, carol, dave):
    sockets = [Browser.of(daphne, carol).socket(server) for server in (daphne, second_daphne, daphne)]
    bystander = Browser.of(daphne, dave).socket(second_daphne)

    started = time.monotonic()
    carol.is_active = False
    carol.save()
    assert_closed_at_once(sockets, started)
    assert_still_open([bystander])


def test_a_session_gone_without_a_message_closes_its_sockets_on_the_next_heartbeat(daphne, second_daphne, carol):
    cookie = session_cookie(carol)
    sockets = [SocketClient(server, cookie=cookie, after=newest_id()) for server in (daphne, second_daphne)]
    Session.objects.filter(session_key=cookie).delete()  # as clearsessions or an operator would
    for client in sockets:
        assert client.close_code(timeout=5) == 4401


def test_a_closed_session_cannot_reopen_a_socket(daphne, carol):
    browser = Browser.of(daphne, carol)
    cookie = browser.cookie
    assert browser.post_form("/accounts/logout/", {}) == 302
    assert SocketClient(daphne, cookie=cookie).close_code(timeout=5) == 4401


def test_logging_out_everywhere_else_closes_those_sessions_sockets_on_every_process(daphne, second_daphne, carol):
    here, there = Browser.of(daphne, carol), Browser.of(daphne, carol)
    theirs = [there.socket(daphne), there.socket(second_daphne)]
    mine = here.socket(second_daphne)
    since = time.monotonic()
    assert here.post_form("/accounts/sessions/logout-others/", {}) == 302
    assert_closed_at_once(theirs, since)
    assert_still_open([mine])
