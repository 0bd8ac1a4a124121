"""Publishing to the channel layer, after commit, without ever failing the request.

A bare `async_to_sync(layer.group_send)` per save starts an event loop per call and, with Redis,
a new layer and connection pool per loop (bench/publish_overhead.py measures it). Instead every
publish is handed to one long-lived loop:
- inside daphne, the server's own loop (captured by the ASGI app), where the consumers live, so the
  in-process layer works too and the publishes share the consumers' Redis connections;
- anywhere else (management commands, the shell, tests), a daemon thread running its own loop.
The call returns at once; the request never waits on Redis. A failure is logged once per outage
(Outage) and the event stays in the table, where heartbeats and replay find it. What is logged
about the channel layer otherwise (its choice at start-up, channels-redis' own errors) is in
notifications/logging.py.
"""

import asyncio
import atexit
import logging
import threading
import time
from concurrent.futures import Future, wait

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

SEND_TIMEOUT_SECONDS = 2.0

_server_loop: asyncio.AbstractEventLoop | None = None
_thread_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()
_pending: set[Future] = set()
_order_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}


class Outage:
    """Whether the channel layer is known to be down. While it is, sends are dropped at once (the
    log has the events) and one probe per interval checks whether it is back, so a burst of saves
    never queues behind timeouts. The start and the end of an outage are logged once each.
    Runs on the publisher's loop only."""

    PROBE_INTERVAL_SECONDS = 1.0
    PROBE_GROUP = "publisher.probe"

    def __init__(self):
        self.since: float | None = None
        self.probe: asyncio.Future | None = None  # a strong reference: a bare task may be collected

    @property
    def active(self) -> bool:
        return self.since is not None

    def begin(self, error: Exception) -> None:
        if self.active:
            return
        self.since = time.monotonic()
        logger.error("Publishing to the channel layer failed (%r); events stay in the log.", error)
        self.probe = asyncio.ensure_future(self._probe_until_recovered())

    async def _probe_until_recovered(self) -> None:
        layer = get_channel_layer()
        while not await self._answers(layer):
            await asyncio.sleep(self.PROBE_INTERVAL_SECONDS)
        logger.warning("Publishing to the channel layer works again after %.1f s.", time.monotonic() - self.since)
        self.since = None
        self.probe = None

    async def _answers(self, layer) -> bool:
        try:
            await asyncio.wait_for(layer.group_send(self.PROBE_GROUP, {"type": "probe"}), SEND_TIMEOUT_SECONDS)
        except Exception:  # still down
            return False
        return True


_outage = Outage()


def capture_server_loop() -> None:
    """Called from the ASGI application: publishes from this process go to the server's loop."""
    global _server_loop
    if _server_loop is None:
        _server_loop = asyncio.get_running_loop()


def _loop() -> asyncio.AbstractEventLoop:
    global _thread_loop
    if _server_loop is not None and _server_loop.is_running():
        return _server_loop
    with _lock:
        if _thread_loop is None:
            _thread_loop = asyncio.new_event_loop()
            threading.Thread(target=_thread_loop.run_forever, name="lms-publisher", daemon=True).start()
        return _thread_loop


async def _send(groups: list[str], message: dict) -> None:
    # One send at a time per loop, in the order they were handed over (asyncio.Lock is first come,
    # first served): messages leave in commit order. A control message ("you left this course")
    # must not be overtaken by the next event of that course, or a socket would forward it under
    # its old membership.
    async with _order_lock():
        if _outage.active:
            return
        layer = get_channel_layer()
        try:
            for group in groups:
                # The group named in the message: each process receives it once, on one channel,
                # and hands it to its sockets in that group (notifications/fanout.py).
                await asyncio.wait_for(layer.group_send(group, message | {"group": group}), SEND_TIMEOUT_SECONDS)
        except Exception as exc:  # Redis down, a timeout: the event log still has it.
            _outage.begin(exc)


def _order_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    if loop not in _order_locks:
        _order_locks[loop] = asyncio.Lock()
    return _order_locks[loop]


def send_to_groups(groups: list[str], message: dict) -> None:
    """Hand the send to the long-lived loop and return at once."""
    future = asyncio.run_coroutine_threadsafe(_send(groups, message), _loop())
    _pending.add(future)
    future.add_done_callback(_pending.discard)


def flush(timeout: float = 5.0) -> None:
    """Wait for publishes under way: a short-lived process calls it before exiting."""
    if _pending:
        wait(list(_pending), timeout=timeout)


atexit.register(flush)
