"""Connections to Redis for everything beside the channel layer (the socket cap, health checks).

One server at REDIS_URL, or the primary that Redis Sentinel names (REDIS_SENTINELS,
REDIS_SENTINEL_MASTER; REDIS_PASSWORD and REDIS_SENTINEL_PASSWORD when they ask for one). A
Sentinel client asks the Sentinels for the primary's address whenever it opens a connection, so
after a failover the next command reaches the promoted replica; a command under way when the
primary died fails like any Redis outage, and callers already treat that as "Redis away" (let the
socket in, report degraded). The channel layer is configured in settings.redis_channel_layer with
the same variables.
"""

import contextlib

import redis
import redis.asyncio
import redis.asyncio.sentinel
import redis.sentinel
from django.conf import settings

from .loops import per_loop


def configured() -> bool:
    """Whether the site runs on Redis (else the in-process layer serves one process)."""
    return bool(settings.REDIS_URL or settings.REDIS_SENTINELS)


def describe() -> str:
    """Where Redis is, for the log (never a password)."""
    if settings.REDIS_SENTINELS:
        sentinels = ", ".join(f"{host}:{port}" for host, port in settings.REDIS_SENTINELS)
        return f"the primary {settings.REDIS_SENTINEL_MASTER!r} of Redis Sentinel at {sentinels}"
    return "one server (REDIS_URL)"


def _timeouts(timeout: float) -> dict:
    return {"socket_timeout": timeout, "socket_connect_timeout": timeout}


def _sentinel_kwargs(timeout: float) -> tuple[dict, dict]:
    """The keyword arguments of the primary's connections and of the Sentinels' (with passwords)."""
    return (
        _timeouts(timeout) | {"password": settings.REDIS_PASSWORD or None},  # None: no AUTH
        _timeouts(timeout) | {"password": settings.REDIS_SENTINEL_PASSWORD or None},
    )


@contextlib.contextmanager
def connection(timeout: float):
    """A synchronous client, closed (with its Sentinel connections) on leaving."""
    if settings.REDIS_SENTINELS:
        primary, of_sentinels = _sentinel_kwargs(timeout)
        sentinel = redis.sentinel.Sentinel(settings.REDIS_SENTINELS, sentinel_kwargs=of_sentinels, **primary)
        client = sentinel.master_for(settings.REDIS_SENTINEL_MASTER, **primary)
    else:
        sentinel = None
        client = redis.Redis.from_url(settings.REDIS_URL, **_timeouts(timeout))
    try:
        yield client
    finally:
        client.close()
        for sentinel_client in sentinel.sentinels if sentinel else ():
            sentinel_client.close()


_clients = per_loop(dict)  # configuration -> client, for this event loop (lms_site/loops.py)


def for_this_loop() -> redis.asyncio.Redis:
    """One asyncio client per event loop (daphne runs one) and configuration, kept for the loop's
    life: redis-py's asyncio connections belong to the loop that opened them, and a client per call
    would open (and, with Sentinel, leave behind) connections to the Sentinels every time."""
    where = (settings.REDIS_URL, tuple(settings.REDIS_SENTINELS), settings.REDIS_SENTINEL_MASTER)
    clients = _clients()
    if where not in clients:
        timeouts = _timeouts(settings.REDIS_CONNECT_TIMEOUT)
        if settings.REDIS_SENTINELS:
            primary, of_sentinels = _sentinel_kwargs(settings.REDIS_CONNECT_TIMEOUT)
            sentinel = redis.asyncio.sentinel.Sentinel(
                settings.REDIS_SENTINELS, sentinel_kwargs=of_sentinels, **primary
            )
            clients[where] = sentinel.master_for(settings.REDIS_SENTINEL_MASTER, **primary)
        else:
            # A pool that waits for a free connection, bounded: a reconnect storm makes thousands of
            # calls at once, which would otherwise open as many connections (or, with a capped
            # plain pool, fail with "Too many connections" and let sockets in unchecked; measured
            # by bench/connect.py). A call takes well under a millisecond.
            pool = redis.asyncio.BlockingConnectionPool.from_url(
                settings.REDIS_URL, max_connections=20, timeout=settings.REDIS_CONNECT_TIMEOUT, **timeouts
            )
            clients[where] = redis.asyncio.Redis(connection_pool=pool)
    return clients[where]
