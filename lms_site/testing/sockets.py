"""The one client of the activity socket that every socket test uses: it talks to a real daphne (or
nginx in front of several) as static/js/activity.js does. Nothing of ours is replaced."""

import json
import time

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from lms_site.testing.servers import session_cookie

UNASKED = ("ready", "heartbeat")  # what the server sends of its own accord, besides events


class SocketClient:
    """One open socket of one user, keeping every message it received in arrival order.

    `after` is the cursor the page would send (a string is sent as is, to test bad cursors). With
    `resume=True`, `until_holding` survives the server going away: it reconnects with backoff and
    resumes as the browser does, from the last cursor the server handed it (`resume_from`), listing
    the ids it holds above it (`have`)."""

    def __init__(self, server, *, cookie=None, after: int | str | None = None, origin=None, resume=False):
        self.server, self.cookie, self.origin, self.resume = server, cookie, origin, resume
        self.after = int(after) if str(after).isdigit() else 0
        self.resume_from = self.after
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

    @property
    def held_above_cursor(self) -> list[int]:
        return sorted({i for i in self.ids if i > self.resume_from})[-1000:]  # the server takes 1000

    def _connect(self, after, have=()):
        query = (f"?after={after}" if after is not None else "") + (f"&have={','.join(map(str, have))}" if have else "")
        url = self.server.ws_url + "/ws/activity/" + query
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
                self.socket = self._connect(self.resume_from, self.held_above_cursor)
                return
            except (OSError, TimeoutError, ConnectionClosed):
                if time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def next_message(self, timeout: float) -> dict:
        message = json.loads(self.socket.recv(timeout=timeout))
        (self.received if message["type"] == "event" else self.messages).append(message)
        if message["type"] in UNASKED:  # both carry the cursor the client resumes from
            self.resume_from = max(self.resume_from, message["cursor"])
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

    def next_reply(self, timeout: float = 10.0) -> dict:
        """The next message other than the server's own, unasked `ready` and heartbeats."""
        return self.until(lambda m: m["type"] not in UNASKED, timeout)

    def until_event(self, event_id: int, timeout: float = 10.0) -> dict:
        return self.until(lambda m: m["type"] == "event" and m["id"] == event_id, timeout)

    def until_heartbeat(self, timeout: float = 10.0) -> dict:
        return self.until(lambda m: m["type"] == "heartbeat", timeout)

    def until_holding(self, wanted: set[int], timeout: float = 30.0) -> None:
        """Read until every wanted id arrived (the server's heartbeats send what a lost doorbell
        missed), reconnecting from the cursor with `resume`, as static/js/activity.js does."""
        deadline = time.monotonic() + timeout
        while not wanted <= set(self.ids):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"missing {sorted(wanted - set(self.ids))}; have {self.ids}")
            try:
                self.next_message(min(remaining, 2.0))
            except TimeoutError:
                continue
            except (ConnectionClosed, OSError):
                if not self.resume:
                    raise
                self._reconnect(deadline)
                continue

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

    def reconnect(self) -> None:
        """Close and open again at once, resuming as after a network blip."""
        self._reconnect(time.monotonic() + 10)

    def close(self) -> None:
        self.socket.close()

    def __enter__(self) -> "SocketClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def assert_each_holds_exactly(clients: dict[str, SocketClient], expected: dict[str, list[int]]) -> None:
    """Each named client ends holding exactly its expected event ids, none twice (after one more
    heartbeat, which sends whatever was still missing first), and is closed."""
    for name, client in clients.items():
        client.until_holding(set(expected[name]))
        client.until_heartbeat()
        assert sorted(client.ids) == sorted(expected[name]), name
        client.close()
