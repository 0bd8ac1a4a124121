"""The live activity socket: ws(s)://<host>/ws/activity/?after=<last id the client has>.

The wire contract (messages both ways, heartbeat, replay and resync, close codes, event kinds) is
described once, in docs/architecture.md, "Socket protocol"; this module implements it.

The consumer routes; it does not decide. Who may see what comes from notifications.selectors,
awaited through database_sync_to_async.
"""

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from . import quota, selectors, sessions
from .rendering import event_messages

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 4096
FLOOD_LIMIT = 20  # client messages per FLOOD_WINDOW seconds
FLOOD_WINDOW = 10.0
SENT_MEMORY = 1000  # ids remembered to send each event at most once per socket

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FLOOD = 4408
CLOSE_TOO_LARGE = 4009  # not 1009, which an ASGI application may not send
CLOSE_TOO_MANY = 4429  # more than ACTIVITY_SOCKETS_PER_USER open sockets of this user
# A session found not to hold is given this long to be renewed (a password change moves the session
# that made it to a new key just after the user is saved) before its sockets close.
SESSION_GRACE = 1.0
MAX_CURSOR = 2**63 - 1  # the largest id a BigAutoField holds


def parse_cursor(value) -> int | None:
    """A client's last id: a non-negative integer (a JSON integer or a string of digits), or None
    when absent or malformed. Floats are malformed, even whole ones: 1e400 is infinity and NaN is
    no number. An integer beyond any id means "nothing newer" and is capped, so the database
    never sees a number it cannot hold."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if type(value) is not int or value < 0:
        return None
    return min(value, MAX_CURSOR)


@database_sync_to_async
def _load_membership(user) -> selectors.Membership:
    return selectors.membership_for(user)


@database_sync_to_async
def _replay(membership, after: int, limit: int, only_topics=None) -> tuple[list[dict], bool]:
    events = selectors.replay_after(membership, after, limit, only_topics=only_topics)
    return event_messages(events[:limit]), len(events) > limit


@database_sync_to_async
def _latest(membership) -> int:
    return selectors.latest_visible_id(membership)


@database_sync_to_async
def _session_marker(session) -> str | None:
    return sessions.marker_of(session)


@database_sync_to_async
def _session_holds(session_key: str | None, user_id: int) -> bool:
    return sessions.holds(session_key, user_id)


class ActivityConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.user = self.scope.get("user")
        self.membership: selectors.Membership | None = None
        self.heartbeat_task: asyncio.Task | None = None
        self.session_close_task: asyncio.Task | None = None
        self.session_over = False
        self.holds_slot = False
        self.membership_lock = asyncio.Lock()
        self.recent_messages: list[float] = []
        # The newest id this socket has sent (or knew the client had on connect), and the ids sent
        # lately, so an event that arrives live and by replay goes out once.
        self.cursor = 0
        # What the client already had on connect. A doorbell rung before the socket joined its
        # groups can still arrive after: events up to here are not sent again.
        self.floor = 0
        self.sent_ids: set[int] = set()
        self.sent_order: deque[int] = deque()
        await self.accept()
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await quota.take(self.user.pk, self.channel_name):
            await self.close(code=CLOSE_TOO_MANY)
            return
        self.holds_slot = True
        session = self.scope["session"]
        self.session_key = session.session_key
        self.session_marker = await _session_marker(session)
        # Join first, then replay: whatever commits during the hand-over arrives by one path or
        # both, and goes out once.
        await self.refresh_membership()
        raw_after = parse_qs(self.scope.get("query_string", b"").decode("latin1")).get("after", [None])[0]
        after = parse_cursor(raw_after)
        if after is None:
            if raw_after is not None:
                await self.send_json({"type": "error", "message": "'after' must be a non-negative integer."})
            self.cursor = self.floor = await _latest(self.membership)
        else:
            self.cursor = self.floor = after
            await self.replay(after)
        self.heartbeat_task = asyncio.create_task(self.heartbeat_loop())

    async def disconnect(self, code):
        for task in (self.heartbeat_task, self.session_close_task):
            if task:
                task.cancel()
        if self.holds_slot:
            await quota.give_back(self.user.pk, self.channel_name)
        if self.membership is not None:
            for group in self.membership.groups:
                # Redis gone: the subscription went with the connection anyway.
                with contextlib.suppress(Exception):
                    await self.channel_layer.group_discard(group, self.channel_name)

    async def refresh_membership(self) -> None:
        """Follow the database: join the groups of courses gained, leave those lost. Events of a
        gained course committed since this socket's cursor are replayed, so none published while
        the group was being joined is missed."""
        async with self.membership_lock:
            new = await _load_membership(self.user)
            old = self.membership
            old_groups = old.groups if old else frozenset()
            for group in sorted(new.groups - old_groups):
                await self.channel_layer.group_add(group, self.channel_name)
            for group in sorted(old_groups - new.groups):
                await self.channel_layer.group_discard(group, self.channel_name)
            self.membership = new
            gained = new.topics - old.topics if old else frozenset()
            if gained:
                await self.replay(self.cursor, only_topics=gained)

    async def replay(self, after: int, only_topics=None) -> None:
        messages, truncated = await _replay(self.membership, after, settings.ACTIVITY_REPLAY_LIMIT, only_topics)
        if truncated:
            self.cursor = max(self.cursor, await _latest(self.membership))
            await self.send_json({"type": "resync"})
            return
        for message in messages:
            await self.send_event(message["id"], json.dumps(message))

    async def heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(settings.ACTIVITY_HEARTBEAT_SECONDS)
            try:
                # The backstop for a lost session control message.
                await self.check_session()
                if self.session_over:
                    return
                await quota.take(self.user.pk, self.channel_name)  # renew the slot before it expires
                # Membership is re-read too, so a lost control message heals within one beat.
                await self.refresh_membership()
                latest = await _latest(self.membership)
                if latest > self.cursor:
                    # A doorbell was lost (Redis away, a membership race): send what is missing.
                    await self.replay(self.cursor)
                await self.send_json({"type": "heartbeat", "latest": latest})
            except asyncio.CancelledError:
                raise
            except Exception:
                # Redis or the database away for a moment: keep the socket, try again next beat.
                logger.warning("Activity heartbeat failed for user %s", self.user.pk, exc_info=True)

    async def send_event(self, event_id: int, text: str) -> None:
        if event_id in self.sent_ids or self.session_over:
            return
        self.sent_ids.add(event_id)
        self.sent_order.append(event_id)
        if len(self.sent_order) > SENT_MEMORY:
            self.sent_ids.discard(self.sent_order.popleft())
        self.cursor = max(self.cursor, event_id)
        await self.send(text_data=text)

    # From the client.

    async def receive(self, text_data=None, bytes_data=None):
        now = time.monotonic()
        self.recent_messages = [t for t in self.recent_messages if now - t < FLOOD_WINDOW] + [now]
        if len(self.recent_messages) > FLOOD_LIMIT:
            await self.close(code=CLOSE_FLOOD)
            return
        if self.membership is None or self.session_over:
            return
        data = text_data if text_data is not None else bytes_data
        if len(data) > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_TOO_LARGE)
            return
        try:
            content = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError):
            # ValueError covers integers of more digits than Python converts, too.
            await self.send_json({"type": "error", "message": "Messages must be JSON."})
            return
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "replay":
            after = parse_cursor(content.get("after"))
            if after is None:
                await self.send_json({"type": "error", "message": "'after' must be a non-negative integer."})
            else:
                # The client asks because it lacks these: they may have been sent before.
                self.sent_ids.difference_update(i for i in list(self.sent_ids) if i > after)
                await self.replay(after)
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "message": "Unknown message type."})

    async def send_json(self, content) -> None:
        if not self.session_over:
            await self.send(text_data=json.dumps(content))

    # From the channel layer.

    async def dispatch(self, message):
        """Channels' dispatch runs close_old_connections in the sync thread before every handler: a
        thread hop per recipient of every broadcast (measured: most of a large fan-out's cost; see
        docs/performance.md). Every query here goes through database_sync_to_async, which closes
        stale connections itself, so the hop buys nothing."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def activity_event(self, message):
        # The publisher encoded the event once (events.publish); each recipient forwards that text.
        event_id = message["id"]
        if event_id <= self.floor:
            return
        if self.membership and self.membership.may_see(message["topic"], message["kind"]):
            await self.send_event(event_id, message["text"])

    async def membership_changed(self, message):
        if self.membership is not None:
            await self.refresh_membership()

    async def feed_read(self, message):
        await self.send_json({key: value for key, value in message.items() if key != "type"} | {"type": "read"})

    # The log-in behind the socket (notifications/sessions.py decides whether it holds).

    async def session_check(self, message):
        await self.check_session()

    async def session_ended(self, message):
        if self.session_key and message["session_key"] == self.session_key:
            await self.end_session()

    async def session_renewed(self, message):
        if self.session_marker and message["marker"] == self.session_marker:
            self.session_key = message["session_key"]

    async def check_session(self) -> None:
        if self.session_over:
            return
        if await _session_holds(self.session_key, self.user.pk):
            if self.session_close_task:
                self.session_close_task.cancel()
                self.session_close_task = None
        elif self.session_marker is None:
            await self.end_session()
        elif self.session_close_task is None:
            self.session_close_task = asyncio.create_task(self.end_session_unless_renewed())

    async def end_session_unless_renewed(self) -> None:
        await asyncio.sleep(SESSION_GRACE)
        self.session_close_task = None
        if not await _session_holds(self.session_key, self.user.pk):
            await self.end_session()

    async def end_session(self) -> None:
        """Stop streaming at once: nothing more goes out before the close."""
        if not self.session_over:
            self.session_over = True
            await self.close(code=CLOSE_UNAUTHENTICATED)
