"""The browser module and a full server: closed with 4013 (admission control), the page waits at
least BUSY_MIN_MS (5 s) before it tries again, then comes back once there is room. The page's clock
is Playwright's fake one, so the test waits for no real seconds and asserts no timing."""

import uuid

import pytest
from django.db import connection
from playwright.sync_api import expect

from courses import services
from lms_site.testing.browser import login_page
from lms_site.testing.servers import DaphneServer, database_url
from lms_site.testing.sockets import SocketClient

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

# Counts the sockets the page opens, whatever the module does with them.
COUNT_SOCKETS = """
window.socketsOpened = 0;
window.WebSocket = class extends window.WebSocket {
  constructor(...args) { super(...args); window.socketsOpened += 1; }
};
"""
# Every state the live status passes through, however briefly.
RECORD_STATES = """
window.states = [];
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("live-status");
  new MutationObserver(() => window.states.push(status.dataset.state))
    .observe(status, { attributes: true, attributeFilter: ["data-state"] });
});
"""


def test_a_page_turned_away_with_4013_waits_longer_and_comes_back(browser, redis_server, carol, dave, root):
    env = {"ACTIVITY_SOCKETS_PER_PROCESS": "1", "CHANNEL_PREFIX": f"busy{uuid.uuid4().hex[:8]}"}
    url = database_url(connection.settings_dict)
    server = DaphneServer(database_url=url, redis_url=redis_server.url, extra_env=env).start()
    try:
        holder = SocketClient.of(server, dave)  # takes the only place
        holder.until_heartbeat()
        page = login_page(browser, server, carol)
        page.add_init_script(COUNT_SOCKETS)
        page.add_init_script(RECORD_STATES)
        page.clock.install()
        page.clock.pause_at(page.evaluate("Date.now()") + 60_000)
        page.reload()
        status = page.locator("#live-status")
        expect(status).to_have_attribute("data-state", "reconnecting")
        assert page.evaluate("window.socketsOpened") == 1
        assert "live" not in page.evaluate("window.states")  # accepted only to be told 4013

        page.clock.run_for(4_900)
        assert page.evaluate("window.socketsOpened") == 1  # not before 5 s

        holder.close()
        # Each turn fires the page's next try (5 s and a random share of at most 30 s); a try made
        # before the server saw the holder leave is turned away again. "live" means set up (the
        # server's `ready`), never a socket accepted only to carry its 4013.
        for _turn in range(8):
            page.clock.run_for(40_000)
            try:
                expect(status).to_have_attribute("data-state", "live", timeout=10_000)
                break
            except AssertionError:
                continue
        else:
            raise AssertionError(f"never back in after {page.evaluate('window.socketsOpened')} sockets")
        assert page.evaluate("window.socketsOpened") >= 2
        # Really in: an announcement made now reaches the page.
        services.post_announcement(author=root, title="Back in", body="After the storm")
        expect(page.locator("[data-feed] .feed-item", has_text="Back in").first).to_be_visible(timeout=10000)
        page.context.close()
    finally:
        server.stop()
