"""Control messages: a nudge to every open socket of some users, sent after commit. Not events:
nothing is recorded and nothing is replayed; a lost one heals on the socket's next heartbeat.
The consumer handles each type (`membership.changed`, `feed.read`, `session.check`, `session.ended`,
`session.renewed`; docs/architecture.md, "Socket protocol")."""

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


def feed_read(user_id: int, last_read: int, **state) -> None:
    """The user's read state changed: every open tab sets its badge and its items' read marks.
    `state`: `unread` (the badge), `groups` (the unread groups), `read_ids`, `unread_ids` (the
    items that changed), `all` (everything up to `last_read` is read)."""
    _send_after_commit([user_id], {"type": "feed.read", "last_read": last_read, **state})


def session_check(user_ids) -> None:
    """These users' sessions may no longer hold (a password change, a deactivation): each socket
    asks whether its own still does, and closes with 4401 when not."""
    _send_after_commit(user_ids, {"type": "session.check"})


def session_ended(user_id: int, session_key: str) -> None:
    """A log-out: the sockets of this session close with 4401 at once; the user's other sessions
    stay. Sent before the session is flushed, so the message carries the key rather than asking."""
    _send_after_commit([user_id], {"type": "session.ended", "session_key": session_key})


def session_renewed(user_id: int, marker: str, session_key: str) -> None:
    """A marked session was saved under this key (update_session_auth_hash cycles the key of the
    session that changed the password): its sockets follow it."""
    _send_after_commit([user_id], {"type": "session.renewed", "marker": marker, "session_key": session_key})
