"""The live activity socket: ws(s)://<host>/ws/activity/?after=<last id the client has>.

The consumer routes; it does not decide. Who may see what comes from notifications.selectors,
awaited through database_sync_to_async.

Close codes: 4401 not logged in, 4408 too many messages, 1009 a frame too large.
"""

import asyncio
import json
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from . import selectors
from .rendering import event_message

MAX_FRAME_BYTES = 4096
FLOOD_LIMIT = 20  # client messages per FLOOD_WINDOW seconds
FLOOD_WINDOW = 10.0


def parse_cursor(value) -> int | None:
    """A client's last id: a non-negative integer, or None when absent or malformed."""
    try:
        cursor = int(value)
    except (TypeError, ValueError):
        return None
    return cursor if cursor >= 0 else None


@database_sync_to_async
def _load_membership(user) -> selectors.Membership:
    return selectors.membership_for(user)


@database_sync_to_async
def _replay(membership, after: int, limit: int) -> tuple[list[dict], bool]:
    events = selectors.replay_after(membership, after, limit)
    return [event_message(event) for event in events[:limit]], len(events) > limit


@database_sync_to_async
def _latest(membership) -> int:
    return selectors.latest_visible_id(membership)


class ActivityConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.user = self.scope.get("user")
        self.membership = None
        self.heartbeat_task = None
        self.recent_messages: list[float] = []
        await self.accept()
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=4401)
            return
        # Join first, then replay: whatever commits during the hand-over arrives by one path or
        # both, and the client drops duplicates by id.
        await self.refresh_membership()
        raw_after = parse_qs(self.scope.get("query_string", b"").decode("latin1")).get("after", [None])[0]
        if raw_after is not None:
            after = parse_cursor(raw_after)
            if after is None:
                await self.send_json({"type": "error", "message": "'after' must be a non-negative integer."})
            else:
                await self.replay(after)
        self.heartbeat_task = asyncio.create_task(self.heartbeat_loop())

    async def disconnect(self, code):
        if self.heartbeat_task:
            self.heartbeat_task.cancel()
        if self.membership is not None:
            for group in self.membership.groups:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def refresh_membership(self) -> None:
        new = await _load_membership(self.user)
        old_groups = self.membership.groups if self.membership else frozenset()
        for group in new.groups - old_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        for group in old_groups - new.groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.membership = new

    async def replay(self, after: int) -> None:
        messages, truncated = await _replay(self.membership, after, settings.ACTIVITY_REPLAY_LIMIT)
        if truncated:
            await self.send_json({"type": "resync"})
            return
        for message in messages:
            await self.send_json(message)

    async def heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(settings.ACTIVITY_HEARTBEAT_SECONDS)
            # Membership is re-read too, so a lost control message heals within one beat.
            await self.refresh_membership()
            await self.send_json({"type": "heartbeat", "latest": await _latest(self.membership)})

    # From the client.

    async def receive(self, text_data=None, bytes_data=None):
        now = time.monotonic()
        self.recent_messages = [t for t in self.recent_messages if now - t < FLOOD_WINDOW] + [now]
        if len(self.recent_messages) > FLOOD_LIMIT:
            await self.close(code=4408)
            return
        if self.membership is None:
            return
        data = text_data if text_data is not None else bytes_data
        if len(data) > MAX_FRAME_BYTES:
            await self.close(code=1009)
            return
        try:
            content = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            await self.send_json({"type": "error", "message": "Messages must be JSON."})
            return
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "replay":
            after = parse_cursor(content.get("after"))
            if after is None:
                await self.send_json({"type": "error", "message": "'after' must be a non-negative integer."})
            else:
                await self.replay(after)
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "message": "Unknown message type."})

    async def send_json(self, content) -> None:
        await self.send(text_data=json.dumps(content))

    # From the channel layer.

    async def activity_event(self, message):
        if self.membership and self.membership.may_see(message["event"]["topic"], message.get("course_id")):
            await self.send_json(message["event"])

    async def membership_changed(self, message):
        if self.membership is not None:
            await self.refresh_membership()

    async def feed_read(self, message):
        await self.send_json({"type": "read", "last_read": message["last_read"]})
