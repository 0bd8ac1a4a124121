"""Publishing to the channel layer, after commit, without ever failing the request.

A bare `async_to_sync(layer.group_send)` per save starts an event loop per call and, with Redis,
a new layer and connection pool per loop (bench/publish_overhead.py measures it). Instead every
publish is handed to one long-lived loop:
- inside daphne, the server's own loop (captured by the ASGI app), where the consumers live, so the
  in-process layer works too and the publishes share the consumers' Redis connections;
- anywhere else (management commands, the shell, tests), a daemon thread running its own loop.
The call returns at once; the request never waits on Redis. A failure is logged once per outage
and the event stays in the table, where heartbeats and replay find it.
"""

import asyncio
import atexit
import logging
import threading
import time
from concurrent.futures import Future, wait

from channels.layers import get_channel_layer
from django.conf import settings

logger = logging.getLogger(__name__)

SEND_TIMEOUT_SECONDS = 2.0
# While Redis is known to be down, sends are dropped at once (the log has the events) and one
# probe per interval checks whether it is back. A burst of saves never queues behind timeouts.
PROBE_INTERVAL_SECONDS = 1.0
PROBE_GROUP = "publisher.probe"

_server_loop: asyncio.AbstractEventLoop | None = None
_thread_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()
_pending: set[Future] = set()
_outage_since: float | None = None
_probes: set[asyncio.Future] = set()  # strong references: a bare task may be garbage-collected


def log_layer_choice() -> None:
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if settings.REDIS_URL:
        logger.info("Channel layer: Redis (%s), shared by every process.", backend)
    else:
        logger.info("Channel layer: in-process (no REDIS_URL): live delivery reaches this process only.")


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
    global _outage_since
    if _outage_since is not None:
        return
    layer = get_channel_layer()
    try:
        for group in groups:
            await asyncio.wait_for(layer.group_send(group, message), SEND_TIMEOUT_SECONDS)
    except Exception as exc:  # Redis down, a timeout: the event log still has it.
        if _outage_since is None:
            _outage_since = time.monotonic()
            logger.error("Publishing to the channel layer failed (%r); events stay in the log.", exc)
            _probes.add(asyncio.ensure_future(_probe_until_recovered()))


async def _probe_until_recovered() -> None:
    global _outage_since
    layer = get_channel_layer()
    while not await _answers(layer):
        await asyncio.sleep(PROBE_INTERVAL_SECONDS)
    logger.warning("Publishing to the channel layer works again after %.1f s.", time.monotonic() - _outage_since)
    _outage_since = None
    _probes.clear()


async def _answers(layer) -> bool:
    try:
        await asyncio.wait_for(layer.group_send(PROBE_GROUP, {"type": "probe"}), SEND_TIMEOUT_SECONDS)
    except Exception:  # still down
        return False
    return True


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


class OncePerOutage(logging.Filter):
    """channels_redis' pub/sub receiver logs a traceback every second while Redis is away. Let the
    first through and drop the rest until the logger has been quiet for `quiet` seconds."""

    def __init__(self, quiet: float = 30.0):
        super().__init__()
        self.quiet = quiet
        self.last_seen: float | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        first = self.last_seen is None or now - self.last_seen > self.quiet
        self.last_seen = now
        return first
