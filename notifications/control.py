"""Control messages: a nudge to every open socket of some users, sent after commit. Not events:
nothing is recorded and nothing is replayed; a lost one heals on the socket's next heartbeat.
The consumer handles each type (`membership.changed`, `feed.read`; docs/architecture.md, "Socket
protocol")."""

from functools import partial

from django.db import transaction

from . import topics
from .publisher import send_to_groups


def _send_after_commit(user_ids, message: dict) -> None:
    groups = [topics.group_for(topics.user_topic(user_id)) for user_id in sorted(set(user_ids))]
    if groups:
        transaction.on_commit(partial(send_to_groups, groups, message), robust=True)


def membership_changed(user_ids) -> None:
    """These users' sockets re-read membership: join the groups of courses gained, leave the rest."""
    _send_after_commit(user_ids, {"type": "membership.changed"})


def feed_read(user_id: int, last_read: int) -> None:
    """The user's read cursor moved: every open tab clears its badge."""
    _send_after_commit([user_id], {"type": "feed.read", "last_read": last_read})
