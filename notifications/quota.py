"""How many activity sockets a user may hold open: ACTIVITY_SOCKETS_PER_USER across every process.

Counted in Redis (the channel layer's server, under CHANNEL_PREFIX), so the cap holds whichever
process each socket lands on: one sorted set per user, a member per socket (its channel name) scored
with the time its slot expires. A socket takes a slot on connect, renews it on every heartbeat and
gives it back on disconnect; a process that dies without saying goodbye leaves slots that expire
after SLOT_HEARTBEATS heartbeats. Taking a slot is one Lua script, so two sockets connecting at once
cannot both take the last one; the sockets asking at the same moment (a reconnect storm, the
heartbeats of a process) take theirs in one call of it, and those leaving together give theirs back
in one call.

Without Redis (neither REDIS_URL nor REDIS_SENTINELS) there is one process only (the in-process
channel layer), and the count is kept in it. If Redis does not answer, the socket is let in (with a
warning): the cap guards against abuse, and a socket needs Redis to join its groups anyway.
"""

import logging
import time

from django.conf import settings

from lms_site import redis_clients

from .batches import together

logger = logging.getLogger(__name__)

SLOT_HEARTBEATS = 3

# Many sockets' slots in one call (a reconnect storm takes them together: notifications/batches.py).
# KEYS[i]: the set of the i-th socket's user; ARGV: now, expiry of these slots, cap, seconds the keys
# live, then the i-th socket's member at 4 + i. In order, so two sockets of one user in a call are
# counted one after the other. Returns 1 (taken) or 0 (the user holds the cap) per socket.
TAKE = """
local taken = {}
for i, key in ipairs(KEYS) do
  local member = ARGV[4 + i]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
  if redis.call('ZSCORE', key, member) == false and redis.call('ZCARD', key) >= tonumber(ARGV[3]) then
    taken[i] = 0
  else
    redis.call('ZADD', key, ARGV[2], member)
    redis.call('EXPIRE', key, ARGV[4])
    taken[i] = 1
  end
end
return taken
"""

# KEYS[i]: the set of the i-th socket's user; ARGV[i]: its member.
GIVE_BACK = """
for i, key in ipairs(KEYS) do
  redis.call('ZREM', key, ARGV[i])
end
return #KEYS
"""


def _slot_seconds() -> float:
    return max(SLOT_HEARTBEATS * settings.ACTIVITY_HEARTBEAT_SECONDS, 3.0)


def _key(user_id: int) -> str:
    return f"{settings.CHANNEL_PREFIX}:sockets:user:{user_id}"


_local: dict[int, set[str]] = {}


async def take(user_id: int, channel_name: str) -> bool:
    """Take (or renew) this socket's slot; False when the user already holds the cap."""
    cap = settings.ACTIVITY_SOCKETS_PER_USER
    if not redis_clients.configured():
        held = _local.setdefault(user_id, set())
        if channel_name not in held and len(held) >= cap:
            return False
        held.add(channel_name)
        return True
    try:
        return await together(_take_all, (user_id, channel_name))
    except Exception as error:  # Redis away: let the socket in, see the module docstring
        logger.warning("Socket cap not checked for user %s: Redis did not answer (%s)", user_id, error)
        return True


async def _take_all(requests: list[tuple[int, str]]) -> list[bool]:
    """take() for the sockets asking at the same moment, in one script call."""
    now = time.time()
    seconds = _slot_seconds()
    keys = [_key(user_id) for user_id, _channel_name in requests]
    members = [channel_name for _user_id, channel_name in requests]
    cap = settings.ACTIVITY_SOCKETS_PER_USER
    taken = await redis_clients.for_this_loop().eval(
        TAKE, len(keys), *keys, now, now + seconds, cap, int(seconds) + 1, *members
    )
    return [bool(slot) for slot in taken]


async def give_back(user_id: int, channel_name: str) -> None:
    if not redis_clients.configured():
        _local.get(user_id, set()).discard(channel_name)
        return
    try:
        await together(_give_back_all, (user_id, channel_name))
    except Exception as error:  # the slot expires by itself
        logger.warning("Socket slot of user %s not given back: Redis did not answer (%s)", user_id, error)


async def _give_back_all(slots: list[tuple[int, str]]) -> list[None]:
    """give_back() for the sockets leaving at the same moment, in one script call."""
    keys = [_key(user_id) for user_id, _channel_name in slots]
    await redis_clients.for_this_loop().eval(GIVE_BACK, len(keys), *keys, *(name for _user_id, name in slots))
    return [None] * len(slots)
