"""Group messages once per process, not once per socket.

Were every socket a member of its groups in the channel layer, a message to a course of 10,000
students would be put in 10,000 queues, decoded 10,000 times and handled by 10,000 consumer tasks
(a task switch and a round of Channels' await_many_dispatch each): twice the time daphne itself
needs to write the frames (docs/performance.md, "Fan-out"). Instead the process joins each group
once, under one channel of its own; one task receives each message, decoded once, and hands it to
every local socket of the group in a plain loop (ActivityConsumer.deliver). Each socket still decides
for itself whether its user may see it: who sees what does not change here.

Messages are handled in the order the process receives them, and each socket gets them in that
order. A long fan-out yields to the loop whenever it has run for YIELD_AFTER, so what else runs on
the loop (the instructor's own request, whose save caused the event; connects; heartbeats) is not
kept waiting behind thousands of sends.

The publisher names the group in each message (`group`, publisher._send): a channel receives its
groups' messages without saying which group they came through.
"""

import asyncio
import logging
import time

from channels.layers import get_channel_layer

from lms_site.loops import per_loop

logger = logging.getLogger(__name__)

# Fan-out time between two yields to the loop, in seconds: about 20 sockets at daphne's ~50 µs a
# send. Measured against yielding every 200 sockets (docs/performance.md, section 1): the request
# that caused the event is answered in 42 to 50 ms instead of 107 to 140 during the fan-out, and the
# time to the last socket stays within the noise. By time, not by count, so a slow or busy machine
# keeps other tasks waiting no longer.
YIELD_AFTER = 0.001


class LocalGroups:
    """The groups the sockets of this process (on this event loop) are in."""

    def __init__(self):
        self.layer = get_channel_layer()
        self.members: dict[str, dict] = {}  # group -> its sockets, in the order they joined
        # Joining a group new to the process and leaving its last member talk to the layer; one at a
        # time, so a group is never discarded under a socket that has just joined it.
        self.lock = asyncio.Lock()
        self.channel_name: str | None = None
        self.receiver: asyncio.Task | None = None

    async def join(self, group: str, socket) -> None:
        """Once this returns, the socket receives every message sent to the group (the caller may
        replay what came before)."""
        members = self.members.get(group)
        if members is None:
            async with self.lock:
                members = self.members.get(group)
                if members is None:
                    await self._start()
                    await self.layer.group_add(group, self.channel_name)  # if this raises, nothing changed
                    members = self.members[group] = {}
        members[socket] = None

    async def leave(self, group: str, socket) -> None:
        members = self.members.get(group)
        if members is None or socket not in members:
            return
        del members[socket]
        if not members:
            async with self.lock:
                if self.members.get(group) is members and not members:
                    del self.members[group]
                    await self.layer.group_discard(group, self.channel_name)

    async def _start(self) -> None:
        if self.receiver is None:
            self.channel_name = await self.layer.new_channel()
            self.receiver = asyncio.create_task(self._receive_forever(), name="activity-fanout")

    async def _receive_forever(self) -> None:
        while True:
            message = await self.layer.receive(self.channel_name)
            try:
                await self.hand_out(message)
            except Exception:  # a malformed message must not stop the process' live delivery
                logger.exception("Could not hand out a group message of type %r", message.get("type"))

    async def hand_out(self, message: dict) -> None:
        members = self.members.get(message["group"])
        if not members:
            return
        clock = time.monotonic
        since = clock()
        for socket in list(members):
            try:
                await socket.deliver(message)
            except Exception:
                # One socket's trouble stays its own: the others still get the message.
                logger.exception("Delivering a group message to one socket failed")
            if clock() - since >= YIELD_AFTER:
                await asyncio.sleep(0)
                since = clock()


# This event loop's (lms_site/loops.py).
local_groups = per_loop(LocalGroups)


def with_server_send(inner):
    """ASGI middleware, outermost on the WebSocket stack (lms_site/asgi.py): the server's own `send`
    in the scope (`server_send`), for the frames of a socket already accepted. Channels' session
    middleware wraps `send` to save a modified session on websocket.accept; for every later frame it
    only reads the session to decide there is nothing to do. py-spy on a broadcast to 3,000 sockets:
    about 15 % of the fan-out's time (docs/performance.md)."""

    async def app(scope, receive, send):
        return await inner({**scope, "server_send": send}, receive, send)

    return app
