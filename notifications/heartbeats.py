"""What a socket's heartbeat reads, for all the sockets beating at the same moment at once.

Every ACTIVITY_HEARTBEAT_SECONDS each socket checks its log-in (sessions.holds), re-reads what it
may see (its membership), reads the resume cursor and, when the cursor moved, replays what the
client lacks; and it tells the client the newest id it may see. Read one socket at a time, that was
three hops to the one database thread and five queries a beat: 5 ms of CPU, and the thread full at
about 170 to 200 beats a second, so one process could keep about 4,000 to 5,000 sockets beating
every 25 s (docs/performance.md, section 7b). Here a socket asks and waits, and the sockets asking at the
same moment are read together (notifications/batches.py) in one hop: the sessions and their users
in two queries (sessions.holding), the memberships in two (selectors.memberships_for), the cursor
in one, the newest visible ids in one (selectors.latest_visible_ids), whatever the number of
sockets; then, only for the sockets whose cursor moved, their replays (each event rendered once,
rendering.replays). A lone socket waits for nothing; beats that pile up behind a busy thread are
read a few hundred at a time.

Nothing is cached between beats: each is read after its socket asked, as before.
"""

from dataclasses import dataclass

from channels.db import database_sync_to_async
from django.conf import settings

from . import selectors, sessions
from .batches import together
from .rendering import replays


@dataclass(frozen=True)
class Beat:
    session_holds: bool  # the socket's log-in still holds (sessions.holds)
    membership: selectors.Membership  # what its user may see now
    cursor: int  # selectors.resume_cursor, read before the replay
    messages: list[dict]  # the visible events above the socket's cursor it has not sent
    truncated: bool  # more of them than a replay sends: the client resyncs
    latest: int  # the newest id its user may see


def read_beats(asks: list[tuple]) -> list[Beat]:
    """The beats of (user, session key, cursor, ids held above it) asks, in the database thread."""
    holding = sessions.holding([(session_key, user.pk) for user, session_key, _after, _held in asks])
    memberships = selectors.memberships_for([user for user, *_rest in asks])
    cursor = selectors.resume_cursor()
    limit = settings.ACTIVITY_REPLAY_LIMIT
    # What the sockets whose cursor moved lack, each event rendered once for all of them.
    behind = {index: ask for index, ask in enumerate(asks) if cursor > ask[2]}
    wanted = [(memberships[user.pk], after, limit, None, held) for user, _key, after, held in behind.values()]
    replayed = dict(zip(behind, replays(wanted), strict=True))
    latest = selectors.latest_visible_ids(list(memberships.values()))
    beats = []
    for index, ((user, _session_key, _after, _held), holds) in enumerate(zip(asks, holding, strict=True)):
        messages, truncated = replayed.get(index, ([], False))
        beats.append(Beat(holds, memberships[user.pk], cursor, messages, truncated, latest[user.pk]))
    return beats


_beats = database_sync_to_async(read_beats)


async def beat(user, session_key: str | None, after: int, held: frozenset[int]) -> Beat:
    """This socket's heartbeat reads, with every other socket beating now. `after`: its cursor;
    `held`: the ids above it already sent."""
    return await together(_beats, (user, session_key, after, held))
