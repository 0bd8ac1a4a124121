"""How many activity sockets a user may hold open: ACTIVITY_SOCKETS_PER_USER across every process.

Counted in Redis (the channel layer's server, under CHANNEL_PREFIX), so the cap holds whichever
process each socket lands on: one sorted set per user, a member per socket (its channel name) scored
with the time its slot expires. A socket takes a slot on connect, renews it on every heartbeat and
gives it back on disconnect; a process that dies without saying goodbye leaves slots that expire
after SLOT_HEARTBEATS heartbeats. Taking a slot is one Lua script, so two sockets connecting at once
cannot both take the last one.

Without REDIS_URL there is one process only (the in-process channel layer), and the count is kept
in it. If Redis does not answer, the socket is let in (with a warning): the cap guards against
abuse, and a socket needs Redis to join its groups anyway.
"""

import asyncio
import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)

SLOT_HEARTBEATS = 3
REDIS_TIMEOUT = 2.0

# KEYS[1]: the user's set; ARGV: now, expiry of this slot, cap, member, seconds the key lives.
TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


def _slot_seconds() -> float:
    return max(SLOT_HEARTBEATS * settings.ACTIVITY_HEARTBEAT_SECONDS, 3.0)


def _key(user_id: int) -> str:
    return f"{settings.CHANNEL_PREFIX}:sockets:user:{user_id}"


_clients: dict[asyncio.AbstractEventLoop, object] = {}
_local: dict[int, set[str]] = {}


def _redis():
    """One client per event loop (daphne runs one): redis-py's asyncio connections belong to the
    loop that opened them."""
    import redis.asyncio

    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None:
        client = redis.asyncio.Redis.from_url(
            settings.REDIS_URL, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
        _clients[loop] = client
    return client


async def take(user_id: int, channel_name: str) -> bool:
    """Take (or renew) this socket's slot; False when the user already holds the cap."""
    cap = settings.ACTIVITY_SOCKETS_PER_USER
    if not settings.REDIS_URL:
        held = _local.setdefault(user_id, set())
        if channel_name not in held and len(held) >= cap:
            return False
        held.add(channel_name)
        return True
    now = time.time()
    seconds = _slot_seconds()
    try:
        taken = await _redis().eval(TAKE, 1, _key(user_id), now, now + seconds, cap, channel_name, int(seconds) + 1)
    except Exception as error:  # Redis away: let the socket in, see the module docstring
        logger.warning("Socket cap not checked for user %s: Redis did not answer (%s)", user_id, error)
        return True
    return bool(taken)


async def give_back(user_id: int, channel_name: str) -> None:
    if not settings.REDIS_URL:
        _local.get(user_id, set()).discard(channel_name)
        return
    try:
        await _redis().zrem(_key(user_id), channel_name)
    except Exception as error:  # the slot expires by itself
        logger.warning("Socket slot of user %s not given back: Redis did not answer (%s)", user_id, error)
