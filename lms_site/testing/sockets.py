"""The one client of the activity socket that every socket test uses: it talks to a real daphne (or
nginx in front of several) as static/js/activity.js does. Nothing of ours is replaced."""

import json
import time

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from lms_site.testing.servers import session_cookie


class SocketClient:
    """One open socket of one user, keeping every message it received in arrival order.

    `after` is the cursor the page would send (a string is sent as is, to test bad cursors). With
    `resume=True`, `until_holding` survives the server going away: it reconnects with backoff and
    resumes from the newest id it holds, as the browser does."""

    def __init__(self, server, *, cookie=None, after: int | str | None = None, origin=None, resume=False):
        self.server, self.cookie, self.origin, self.resume = server, cookie, origin, resume
        self.after = int(after) if str(after).isdigit() else 0
        self.received: list[dict] = []  # every event message, duplicates included
        self.messages: list[dict] = []  # everything else
        self.reconnects = 0
        self.socket = self._connect(after)

    @classmethod
    def of(cls, server, user, **kwargs) -> "SocketClient":
        return cls(server, cookie=session_cookie(user), **kwargs)

    @property
    def ids(self) -> list[int]:
        return [message["id"] for message in self.received]

    @property
    def cursor(self) -> int:
        """The newest event id held: where a reconnect or a replay starts from."""
        return max([self.after, *self.ids])

    def _connect(self, after):
        url = self.server.ws_url + "/ws/activity/" + (f"?after={after}" if after is not None else "")
        headers = {"Origin": self.origin or self.server.url}
        if self.cookie:
            headers["Cookie"] = f"sessionid={self.cookie}"
        return connect(url, additional_headers=headers, open_timeout=10, max_size=2**22, legacy=True)

    def _reconnect(self, deadline: float) -> None:
        self.socket.close()
        self.reconnects += 1
        delay = 0.05
        while True:
            try:
                self.socket = self._connect(self.cursor)
                return
            except (OSError, TimeoutError, ConnectionClosed):
                if time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

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

    def until_holding(self, wanted: set[int], timeout: float = 30.0) -> None:
        """Read until every wanted id arrived, asking for a replay when a heartbeat shows a gap,
        as static/js/activity.js does (and reconnecting from the cursor, with `resume`)."""
        deadline = time.monotonic() + timeout
        while not wanted <= set(self.ids):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"missing {sorted(wanted - set(self.ids))}; have {self.ids}")
            try:
                message = self.next_message(min(remaining, 2.0))
            except TimeoutError:
                continue
            except (ConnectionClosed, OSError):
                if not self.resume:
                    raise
                self._reconnect(deadline)
                continue
            if message["type"] == "heartbeat" and message["latest"] > self.cursor:
                self.send({"type": "replay", "after": self.cursor})

    def close_code(self, timeout: float) -> int | None:
        """Read (keeping what arrives) until the server closes the socket: the code it closed with,
        or None if the socket is still open after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        try:
            while (remaining := deadline - time.monotonic()) > 0:
                self.next_message(remaining)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        except TimeoutError:
            pass
        return None

    def send(self, message) -> None:
        """A dict goes as JSON; a str or bytes frame goes as it is."""
        self.socket.send(message if isinstance(message, str | bytes) else json.dumps(message))

    def close(self) -> None:
        self.socket.close()

    def __enter__(self) -> "SocketClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
