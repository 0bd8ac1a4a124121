"""Publishing to the channel layer, after commit, without ever failing the request.

A bare `async_to_sync(layer.group_send)` per save would start an event loop and, with Redis, open
a connection each time. Instead every publish is handed to one long-lived loop:
- inside daphne, the server's own loop (captured by the ASGI app), where the consumers live, so the
  in-process layer works too;
- anywhere else (management commands, the shell, tests), a daemon thread running its own loop.
The call returns at once; the request never waits on Redis. A failure is logged once per outage
and the event stays in the table, where heartbeats and replay find it.
"""

import asyncio
import atexit
import logging
import threading
from concurrent.futures import Future, wait

from channels.layers import get_channel_layer
from django.conf import settings

logger = logging.getLogger(__name__)

SEND_TIMEOUT_SECONDS = 2.0

_server_loop: asyncio.AbstractEventLoop | None = None
_thread_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()
_pending: set[Future] = set()
_outage = False


def log_layer_choice() -> None:
    if settings.REDIS_URL:
        logger.info("Channel layer: Redis (%s), shared by every process.", settings.CHANNEL_LAYERS["default"]["BACKEND"])
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
    global _outage
    layer = get_channel_layer()
    try:
        for group in groups:
            await asyncio.wait_for(layer.group_send(group, message), SEND_TIMEOUT_SECONDS)
    except Exception as exc:  # Redis down, a timeout: the event log still has it.
        if not _outage:
            _outage = True
            logger.error("Publishing to the channel layer failed (%s); events stay in the log.", exc)
        return
    if _outage:
        _outage = False
        logger.warning("Publishing to the channel layer works again.")


def send_to_groups(groups: list[str], message: dict) -> None:
    future = asyncio.run_coroutine_threadsafe(_send(groups, message), _loop())
    _pending.add(future)
    future.add_done_callback(_pending.discard)


def flush(timeout: float = 5.0) -> None:
    """Wait for publishes under way: a short-lived process calls it before exiting."""
    if _pending:
        wait(list(_pending), timeout=timeout)


atexit.register(flush)
