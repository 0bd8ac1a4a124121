"""What a socket needs when it opens, read for all the sockets opening at the same moment at once.

A deploy or a restarted process makes every student reconnect together. Read one socket at a time,
each opening cost five hops to the one database thread and a query in most (the session, the user,
the membership, the session's marker, the newest id; docs/performance.md, "Connect storms"). Here a
socket asks and waits, and the sockets asking at the same moment are read together
(notifications/batches.py), in two reads of one hop per batch and a fixed number of queries,
whatever the number of sockets: who they are (the sessions in one, notifications.sessions.preload;
their users in one per authentication backend, sessions.users_of), then what they may see (the
memberships in two, selectors.memberships_for; the newest id in one). A lone socket waits for
nothing; a storm is read a few hundred sockets at a time.

Nothing is cached: each socket's session, user and membership are read after it asked, so a
log-out, a deactivation, a password change or a membership change committed before it opened is
seen (authorisation is never served stale), and changes after reach it by its user's group, which
it joins before its membership is read (ActivityConsumer.connect).
"""

from dataclasses import dataclass

from channels.db import database_sync_to_async

from . import selectors, sessions
from .batches import together


@database_sync_to_async
def _users(stores: list) -> list:
    sessions.preload(stores)
    return sessions.users_of(stores)


async def user_of(session):
    """Who this socket's session is logged in as (AnonymousUser when nobody), by channels' rule,
    read with every other socket that opens now. The consumer asks after it accepted the socket:
    daphne drops a handshake the application has not answered within its connect timeout (5 s),
    which a queue of sockets in a storm would exceed."""
    return await together(_users, getattr(session, "_wrapped", session))


@dataclass(frozen=True)
class Opening:
    membership: selectors.Membership
    session_marker: str | None
    cursor: int  # the cursor of a socket opened without one (selectors.resume_cursor)


@database_sync_to_async
def _openings(requests: list[tuple]) -> list[Opening]:
    memberships = selectors.memberships_for([user for user, _session in requests])
    cursor = selectors.resume_cursor()
    return [Opening(memberships[user.pk], sessions.marker_of(session), cursor) for user, session in requests]


async def opening(user, session) -> Opening:
    """This socket's membership, its session's marker and the resume cursor, read together with every
    other socket that opens now."""
    return await together(_openings, (user, session))
