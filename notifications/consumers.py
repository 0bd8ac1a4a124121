"""The live activity socket: ws(s)://<host>/ws/activity/?after=<last id the client has>.

The wire contract (messages both ways, heartbeat, replay and resync, close codes, event kinds) is
described once, in docs/architecture.md, "Socket protocol"; this module implements it.

The consumer routes; it does not decide. Who may see what comes from notifications.selectors,
awaited through database_sync_to_async. Group messages reach it through the process's one
subscription per group (notifications/fanout.py), not through a channel of its own.
"""

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import deque
from urllib.parse import parse_qs

from autobahn.exception import Disconnected
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from . import connecting, heartbeats, quota, selectors, sessions, topics
from .batches import together
from .fanout import local_groups
from .rendering import replays

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
MAX_HELD = SENT_MEMORY  # ids a reconnecting client may list in `have`


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


def parse_held(value: str | None, after: int) -> frozenset[int] | None:
    """`have`: the ids above `after` a reconnecting client already holds, comma-separated (at most
    MAX_HELD), or None when malformed. Ids at or below `after` say nothing and are left out."""
    if not value:
        return frozenset()
    parts = value.split(",")
    if len(parts) > MAX_HELD or not all(part.isascii() and part.isdigit() for part in parts):
        return None
    return frozenset(n for n in map(int, parts) if after < n <= MAX_CURSOR)


@database_sync_to_async
def _load_membership(user) -> selectors.Membership:
    return selectors.membership_for(user)


# Replays asked at the same moment (the sockets of a reconnect storm) are read together, and each
# event rendered once for all of them (rendering.replays).
_replays = database_sync_to_async(replays)


@database_sync_to_async
def _resume_cursor() -> int:
    return selectors.resume_cursor()


@database_sync_to_async
def _session_holds(session_key: str | None, user_id: int) -> bool:
    return sessions.holds(session_key, user_id)


class ActivityConsumer(AsyncWebsocketConsumer):
    # No channel per socket: the process receives group messages once and hands them to its sockets
    # (deliver). That also spares each connect a subscription in Redis.
    channel_layer_alias = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel_name = f"activity.{uuid.uuid4().hex}"  # this socket's name in quota's count
        # Held while a handler runs (Channels' dispatch, one at a time); group messages arriving
        # meanwhile wait in `inbox`, in order (deliver).
        self.turn = asyncio.Lock()
        self.inbox: deque[dict] | None = None
        self.inbox_task: asyncio.Task | None = None
        self.joined: set[str] = set()
        self.gone = False
        self.told_left = False

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Also when a handler failed and Channels never ran disconnect: the process stops
            # handing this socket its groups' messages.
            await self.leave_groups()

    async def connect(self):
        self.user = None
        self.membership: selectors.Membership | None = None
        self.heartbeat_task: asyncio.Task | None = None
        self.session_close_task: asyncio.Task | None = None
        self.session_over = False
        self.holds_slot = False
        self.membership_lock = asyncio.Lock()
        self.memberships_applied = 0  # how many times refresh_membership has changed self.membership
        self.recent_messages: list[float] = []
        # The client holds every event it may see up to here (selectors.resume_cursor: it moves only
        # by reading the table, never by a doorbell, which may overtake a lower id's); and the ids
        # sent lately, so an event that arrives live and by replay goes out once.
        self.cursor = 0
        # What the client already had on connect. A doorbell rung before the socket joined its
        # groups can still arrive after: events up to here are not sent again.
        self.floor = 0
        self.sent_ids: set[int] = set()
        self.sent_order: deque[int] = deque()
        await self.accept()
        try:
            await self.set_up()
        finally:
            # Set up (or given up): the place it took among the sockets being set up frees
            # (notifications/admission.py let it in).
            self.scope["admission"].opened()

    async def set_up(self):
        """Who asks, their per-user cap, their groups, their cursor."""
        self.user = self.scope["user"] = await connecting.user_of(self.scope["session"])
        if not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await quota.take(self.user.pk, self.channel_name):
            await self.close(code=CLOSE_TOO_MANY)
            return
        self.holds_slot = True
        session = self.scope["session"]
        self.session_key = session.session_key
        # The user's own group before the membership is read: a membership change committed from
        # now on reaches this socket (membership.changed), one committed before is in what is read.
        own = topics.group_for(topics.user_topic(self.user.pk))
        await local_groups().join(own, self)
        self.joined.add(own)
        # Read with every other socket opening now (a reconnect storm): notifications/connecting.py.
        opening = await connecting.opening(self.user, session)
        self.session_marker = opening.session_marker
        # Join first, then replay: whatever commits during the hand-over arrives by one path or
        # both, and goes out once.
        await self.refresh_membership(opening.membership)
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        raw_after = query.get("after", [None])[0]
        after = parse_cursor(raw_after)
        if after is None:
            if raw_after is not None:
                await self.send_json({"type": "error", "message": "'after' must be a non-negative integer."})
            self.cursor = self.floor = opening.cursor
        else:
            held = parse_held(query.get("have", [None])[0], after)
            if held is None:
                await self.send_json({"type": "error", "message": "'have' must be at most 1000 comma-separated ids."})
                held = frozenset()
            self.cursor = self.floor = after
            for event_id in sorted(held):
                self.remember(event_id)
            await self.replay(after)
        # In: the page shows "live" from here, not from the accept (a socket turned away is
        # accepted too, to carry its close code).
        await self.send_json({"type": "ready", "cursor": self.cursor})
        self.heartbeat_task = asyncio.create_task(self.heartbeat_loop())

    async def disconnect(self, code):
        for task in (self.heartbeat_task, self.session_close_task, self.inbox_task):
            if task:
                task.cancel()
        if self.holds_slot:
            await quota.give_back(self.user.pk, self.channel_name)
        await self.leave_groups()

    async def leave_groups(self) -> None:
        self.gone = True
        groups = local_groups()
        for group in sorted(self.joined):
            # Redis gone: the subscription went with the connection anyway.
            with contextlib.suppress(Exception):
                await groups.leave(group, self)
        self.joined.clear()

    async def refresh_membership(self, new: selectors.Membership | None = None, read_since: int | None = None) -> None:
        """Follow the database: join the groups of courses gained, leave those lost. Events of a
        gained course committed since this socket's cursor are replayed, so none published while
        the group was being joined is missed. `new`: the membership just read, on connect or by a
        heartbeat; the heartbeat read it while `memberships_applied` was `read_since`, and when
        another one (a membership.changed) was applied meanwhile, `new` may be the older of the two
        and is read again."""
        async with self.membership_lock:
            if new is None or (read_since is not None and read_since != self.memberships_applied):
                new = await _load_membership(self.user)
            old = self.membership
            old_groups = old.groups if old else frozenset()
            groups = local_groups()
            for group in sorted(new.groups - old_groups):
                await groups.join(group, self)
                self.joined.add(group)
            for group in sorted(old_groups - new.groups):
                self.joined.discard(group)
                await groups.leave(group, self)
            self.membership = new
            self.memberships_applied += 1
            gained = new.topics - old.topics if old else frozenset()
            if gained:
                await self.replay(self.cursor, only_topics=gained)

    def held_above(self, after: int) -> frozenset[int]:
        return frozenset(i for i in self.sent_ids if i > after)

    async def replay(self, after: int, only_topics=None) -> None:
        """Send what the client lacks above `after`."""
        limit = settings.ACTIVITY_REPLAY_LIMIT
        ask = (self.membership, after, limit, only_topics, self.held_above(after))
        messages, truncated = await together(_replays, ask)
        await self.send_replayed(messages, truncated)

    async def send_replayed(self, messages: list[dict], truncated: bool, cursor: int | None = None) -> None:
        """Send replayed messages, or `resync` when there were more than a replay sends; then the
        cursor (read before the replay) may move."""
        if truncated:
            self.cursor = max(self.cursor, cursor if cursor is not None else await _resume_cursor())
            await self.send_json({"type": "resync"})
            return
        for message in messages:
            # Read for the membership of the moment; one applied since (a course lost) decides.
            if self.membership.may_see(message["topic"], message["kind"]):
                await self.send_event(message["id"], json.dumps(message))
        if cursor is not None:
            self.cursor = max(self.cursor, cursor)

    async def heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(settings.ACTIVITY_HEARTBEAT_SECONDS)
            try:
                # One read with every socket beating now (notifications/heartbeats.py).
                applied = self.memberships_applied
                beat = await heartbeats.beat(self.user, self.session_key, self.cursor, self.held_above(self.cursor))
                # The backstop for a lost session control message.
                await self.check_session(beat.session_holds)
                if self.session_over:
                    return
                await quota.take(self.user.pk, self.channel_name)  # renew the slot before it expires
                # Membership is re-read too, so a lost control message heals within one beat.
                await self.refresh_membership(beat.membership, read_since=applied)
                # A doorbell lost or still on its way (Redis away, another process's publisher, a
                # membership race): send what is missing, below ids already sent too.
                await self.send_replayed(beat.messages, beat.truncated, beat.cursor)
                await self.send_json({"type": "heartbeat", "latest": beat.latest, "cursor": self.cursor})
            except asyncio.CancelledError:
                raise
            except Exception:
                # Redis or the database away for a moment: keep the socket, try again next beat.
                logger.warning("Activity heartbeat failed for user %s", self.user.pk, exc_info=True)

    async def send_event(self, event_id: int, text: str) -> None:
        if event_id in self.sent_ids or self.session_over:
            return
        self.remember(event_id)
        await self.send(text_data=text)

    def remember(self, event_id: int) -> None:
        self.sent_ids.add(event_id)
        self.sent_order.append(event_id)
        if len(self.sent_order) > SENT_MEMORY:
            self.sent_ids.discard(self.sent_order.popleft())

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

    async def send(self, text_data=None, bytes_data=None, close=False):
        """A client may leave while a message is on its way to it: daphne (autobahn) has seen its
        close frame, or ours is unanswered, but the websocket.disconnect is still queued behind a
        broadcast. Sending then raises Disconnected; that is no error of the application (it used
        to kill the consumer before its disconnect ran, logged as an ERROR by daphne). What was
        not sent is replayed on reconnect."""
        try:
            if text_data is not None and not close and "server_send" in self.scope:
                # Straight to daphne: nothing between it and us acts on a frame (fanout.with_server_send).
                await self.scope["server_send"]({"type": "websocket.send", "text": text_data})
            else:
                await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except Disconnected:
            if not self.told_left:
                self.told_left = True
                logger.info(
                    "Activity socket of user %s: not sent, the client has left (its disconnect is on the way).",
                    self.user.pk if self.user else None,
                )

    # From the channel layer, through the process (notifications/fanout.py).

    async def dispatch(self, message):
        """One handler at a time (`turn`). Channels' dispatch also runs close_old_connections in
        the sync thread before every handler: a thread hop per message (measured: most of a large
        fan-out's cost; see docs/performance.md). Every query here goes through
        database_sync_to_async, which closes stale connections itself, so the hop buys nothing."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        async with self.turn:
            await handler(message)

    async def deliver(self, message: dict) -> None:
        """A group message, handed over by the process in the order it arrived. An event for an
        idle socket is forwarded right here, inside the process's loop over the group (no task
        switch per socket). Anything else, and anything while a handler runs (connecting, re-reading
        membership after membership.changed, a replay the client asked for), waits its turn in
        `inbox`: nothing is forwarded under a membership being changed, as when each socket
        read its own channel, and the order stays."""
        if self.gone:
            return
        if self.inbox is None and not self.turn.locked() and message["type"] == "activity.event":
            await self.activity_event(message)
            return
        if self.inbox is None:
            self.inbox = deque()
            self.inbox_task = asyncio.create_task(self.work_through_inbox())
        self.inbox.append(message)

    async def work_through_inbox(self) -> None:
        while self.inbox:
            try:
                await self.dispatch(self.inbox.popleft())
            except Exception:
                # The database away for a moment: the next heartbeat re-reads membership and the
                # session and replays what is missing; the socket goes on with the next message.
                logger.warning("Activity socket of user %s: a group message failed", self.user.pk, exc_info=True)
        self.inbox = None

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
        # The layer's envelope (its type, the group it came through: fanout) is not the client's.
        await self.send_json(
            {key: value for key, value in message.items() if key not in {"type", "group"}} | {"type": "read"}
        )

    # The log-in behind the socket (notifications/sessions.py decides whether it holds).

    async def session_check(self, message):
        await self.check_session()

    async def session_ended(self, message):
        if self.session_key and message["session_key"] == self.session_key:
            await self.end_session()

    async def session_renewed(self, message):
        if self.session_marker and message["marker"] == self.session_marker:
            self.session_key = message["session_key"]

    async def check_session(self, holds: bool | None = None) -> None:
        """`holds`: the answer, when the heartbeat has just read it."""
        if self.session_over:
            return
        if holds is None:
            holds = await _session_holds(self.session_key, self.user.pk)
        if holds:
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
