"""Whether the log-in a socket was opened with still holds.

A socket outlives the request that authenticated it, so the consumer asks again whenever a control
message says a user's sessions may have changed (log-out, password change, deactivation) and on
every heartbeat. The answer is Django's own rule for a request (django.contrib.auth.get_user): the
session still exists, names this user through a backend that still returns them (an inactive user
is not returned), and carries the user's current session auth hash (or one of the
SECRET_KEY_FALLBACKS'). Nothing is flushed here: that is the next request's business.

A password change logs out every session but the one that made the change, which
update_session_auth_hash moves to a new key. To follow it, each session gets a random `marker` at
log-in (kept when the key is cycled); when a marked session is saved, its sockets learn its new key
(notifications/signals.py, control.session_renewed).
"""

import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.utils.crypto import constant_time_compare

MARKER = "_activity_session"


def mark(session) -> None:
    """Called at log-in: a random id that follows this session through key changes."""
    session[MARKER] = secrets.token_hex(16)


def _store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def marker_of(session) -> str | None:
    return session.get(MARKER)


def holds(session_key: str | None, user_id: int) -> bool:
    """The session is still a log-in of this user."""
    if not session_key:
        return False
    data = _store(session_key).load()  # {} when the session is gone or expired
    try:
        backend_path = data[BACKEND_SESSION_KEY]
        same_user = str(data[SESSION_KEY]) == str(user_id)
    except KeyError:
        return False
    if not same_user or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return False
    user = load_backend(backend_path).get_user(user_id)
    if user is None:
        return False
    session_hash = data.get(HASH_SESSION_KEY)
    if not session_hash:
        return False
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return any(constant_time_compare(session_hash, expected) for expected in hashes)


def login_of(session_data: dict) -> tuple[int, str] | None:
    """The user id and marker of a saved session's data, when it is a marked log-in."""
    marker, user_id = session_data.get(MARKER), session_data.get(SESSION_KEY)
    if not marker or user_id is None:
        return None
    try:
        return int(user_id), marker
    except (TypeError, ValueError):
        return None
