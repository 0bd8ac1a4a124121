"""What the resilience tests share: a client that survives its server going away, as the browser
module does (reconnect with ?after=<newest id held>), and the events a user may see."""

import contextlib
import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from lms_site.testing import session_cookie
from notifications.selectors import visible_events


def visible_ids(user, after: int) -> set[int]:
    return set(visible_events(user).filter(id__gt=after).values_list("id", flat=True))


class ResumingClient:
    """One user's socket that reconnects (with backoff, bounded) and resumes from the newest id it
    holds. `received` keeps every event id in arrival order, duplicates included."""

    def __init__(self, server, user, *, after: int):
        self.server = server
        self.cookie = session_cookie(user)
        self.received: list[int] = []
        self.after = after
        self.reconnects = 0
        self.socket = None
        self._stack = contextlib.ExitStack()
        self._connect(deadline=time.monotonic() + 20)

    @property
    def cursor(self) -> int:
        return max(self.received, default=self.after)

    def _connect(self, deadline: float) -> None:
        url = f"{self.server.ws_url}/ws/activity/?after={self.cursor}"
        headers = {"Origin": self.server.url, "Cookie": f"sessionid={self.cookie}"}
        delay = 0.05
        while True:
            try:
                self._stack.close()
                self.socket = self._stack.enter_context(
                    connect(url, additional_headers=headers, open_timeout=5, max_size=2**22)
                )
                return
            except (OSError, TimeoutError, ConnectionClosed):
                if time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def until_holding(self, wanted: set[int], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not wanted <= set(self.received):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"missing {sorted(wanted - set(self.received))}; have {self.received}")
            try:
                message = json.loads(self.socket.recv(timeout=min(remaining, 2.0)))
            except TimeoutError:
                continue
            except (ConnectionClosed, OSError):
                self.reconnects += 1
                self._connect(deadline)
                continue
            if message["type"] == "event":
                self.received.append(message["id"])
            elif message["type"] == "heartbeat" and message["latest"] > self.cursor:
                self.socket.send(json.dumps({"type": "replay", "after": self.cursor}))

    def close(self) -> None:
        self._stack.close()


class Instructor:
    """An instructor's logged-in session using the real admin over real HTTP (no browser)."""

    def __init__(self, server, user):
        self.server = server
        self.cookie = session_cookie(user)
        self.csrf = None

    def _open(self, request):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
        request.add_header("Cookie", f"sessionid={self.cookie}" + (f"; csrftoken={self.csrf}" if self.csrf else ""))
        try:
            with opener.open(request, timeout=20) as response:
                return response.status, response.read().decode(), jar
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), jar

    def add_resource(self, course, title: str) -> int:
        path = self.server.url + "/admin/courses/resource/add/"
        if self.csrf is None:
            status, page, jar = self._open(urllib.request.Request(path))  # noqa: S310 (http://127.0.0.1)
            assert status == 200, status
            self.csrf = next(c.value for c in jar if c.name == "csrftoken")
            self.form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        fields = {"csrfmiddlewaretoken": self.form_token, "course": course.pk, "title": title}
        fields |= {"url": "https://example.edu/" + title, "body": "", "_save": "Save"}
        request = urllib.request.Request(path, data=urllib.parse.urlencode(fields).encode())  # noqa: S310
        request.add_header("Referer", self.server.url)
        return self._open(request)[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp
