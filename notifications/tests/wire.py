"""What the activity tests share: a client that talks to a real daphne as the browser module does,
and an HTTP session that uses the real admin. Nothing of ours is replaced."""

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

from websockets.sync.client import connect

from lms_site.testing import session_cookie
from notifications.models import Event


def newest_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def ids_on(topic: str, after: int) -> set[int]:
    return set(Event.objects.filter(topic=topic, id__gt=after).values_list("id", flat=True))


class FeedClient:
    """One open socket of one user, keeping every event it received in arrival order."""

    def __init__(self, server, *, cookie: str | None = None, after: int | str | None = None, origin=None):
        url = server.ws_url + "/ws/activity/" + (f"?after={after}" if after is not None else "")
        headers = {"Origin": origin or server.url}
        if cookie:
            headers["Cookie"] = f"sessionid={cookie}"
        self.socket = connect(url, additional_headers=headers, open_timeout=10, max_size=2**22, legacy=True)
        self.after = int(after) if str(after).isdigit() else 0
        self.received: list[dict] = []  # every event message, duplicates included
        self.messages: list[dict] = []  # everything else

    @classmethod
    def of(cls, server, user, **kwargs) -> "FeedClient":
        return cls(server, cookie=session_cookie(user), **kwargs)

    @property
    def ids(self) -> list[int]:
        return [message["id"] for message in self.received]

    def next_message(self, timeout: float) -> dict:
        message = json.loads(self.socket.recv(timeout=timeout))
        (self.received if message["type"] == "event" else self.messages).append(message)
        return message

    def until(self, predicate, timeout: float = 10.0) -> dict:
        """Read until a message satisfies predicate; TimeoutError if none does in time."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching message in {timeout} s; events so far {self.ids}")
            message = self.next_message(remaining)
            if predicate(message):
                return message

    def until_event(self, event_id: int, timeout: float = 10.0) -> dict:
        return self.until(lambda m: m["type"] == "event" and m["id"] == event_id, timeout)

    def until_heartbeat(self, timeout: float = 10.0) -> dict:
        return self.until(lambda m: m["type"] == "heartbeat", timeout)

    def until_holding(self, wanted: set[int], timeout: float = 20.0) -> None:
        """Read until every wanted id arrived, asking for a replay when a heartbeat shows a gap,
        as static/js/activity.js does."""
        deadline = time.monotonic() + timeout
        while not wanted <= set(self.ids):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"missing {sorted(wanted - set(self.ids))}; have {self.ids}")
            message = self.next_message(remaining)
            newest = max([self.after, *self.ids])
            if message["type"] == "heartbeat" and message["latest"] > newest:
                self.send({"type": "replay", "after": newest})

    def send(self, message) -> None:
        self.socket.send(json.dumps(message))

    def close(self) -> None:
        self.socket.close()


class AdminSession:
    """A logged-in browser session without a browser: the real admin forms over real HTTP."""

    def __init__(self, server, user):
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        cookie = http.cookiejar.Cookie(
            0, "sessionid", session_cookie(user), None, False, "127.0.0.1", False, False, "/", True,
            False, None, False, None, None, {},
        )  # fmt: skip
        self.jar.set_cookie(cookie)
        self.csrf_token = None

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.server.url + path, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def post(self, path: str, fields: dict) -> int:
        if self.csrf_token is None:
            status, page = self.get(path)
            assert status == 200, status
            self.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf_token, **fields}).encode()
        url = self.server.url + path  # always http://127.0.0.1:<port>
        request = urllib.request.Request(url, data=data, headers={"Referer": self.server.url})  # noqa: S310
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def add_resource(self, course, title: str) -> int:
        return self.post(
            "/admin/courses/resource/add/",
            {"course": course.pk, "title": title, "url": "https://example.edu/" + title, "body": "", "_save": "Save"},
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp
