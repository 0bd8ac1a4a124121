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
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.crypto import constant_time_compare

MARKER = "_activity_session"


def mark(session) -> None:
    """Called at log-in: a random id that follows this session through key changes."""
    session[MARKER] = secrets.token_hex(16)


def _store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def preload(stores) -> None:
    """Read many sessions of the database engine in one query (the sockets of a reconnect storm,
    notifications/connecting.py), leaving each store as its own load() would: the data, or empty
    and without a key when the session is gone or expired. Stores of other engines (cached_db,
    cache, signed cookies) and stores already read are left to load themselves."""
    from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

    stores = [
        store
        for store in stores
        if type(store).load is DatabaseStore.load and store.session_key and not hasattr(store, "_session_cache")
    ]
    if not stores:
        return
    rows = (
        type(stores[0])
        .get_model_class()
        .objects.filter(session_key__in=[store.session_key for store in stores], expire_date__gt=timezone.now())
    )
    found = dict(rows.values_list("session_key", "session_data"))
    for store in stores:
        # SessionBase keeps what load() returned in _session_cache; load() drops the key of a
        # session that is gone (django.contrib.sessions.backends.db).
        data = found.get(store.session_key)
        if data is None:
            store._session_key = None
        store._session_cache = store.decode(data) if data is not None else {}


def users_of(stores) -> list:
    """Who each session is logged in as, by channels' rule for a socket (channels.auth.get_user),
    for many sessions at once (a reconnect storm, notifications/connecting.py): the session names a
    user through one of AUTHENTICATION_BACKENDS that still returns them (an inactive user is not
    returned) and carries the user's current session auth hash; a session that names a user but
    fails the hash is flushed. AnonymousUser otherwise. Sessions of one user share the one object
    read for them."""
    logins = {}  # index of the store -> (backend path, user id)
    for index, store in enumerate(stores):
        try:
            user_id = get_user_model()._meta.pk.to_python(store[SESSION_KEY])
            backend_path = store[BACKEND_SESSION_KEY]
        except KeyError:
            continue
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            logins[index] = (backend_path, user_id)
    users = _returned(set(logins.values()))
    result = []
    for index, store in enumerate(stores):
        user = users.get(logins.get(index))
        if hasattr(user, "get_session_auth_hash"):
            session_hash = store.get(HASH_SESSION_KEY)
            if not (session_hash and constant_time_compare(session_hash, user.get_session_auth_hash())):
                store.flush()
                user = None
        result.append(user or AnonymousUser())
    return result


def _returned(logins: set[tuple[str, int]]) -> dict:
    """(backend path, user id) -> the user that backend returns for the id, or None. The users of
    a backend that reads them as ModelBackend does are read in one query; any other backend is
    asked user by user."""
    users = {}
    for backend_path in {path for path, _user_id in logins}:
        backend = load_backend(backend_path)
        user_ids = {user_id for path, user_id in logins if path == backend_path}
        if type(backend).get_user is ModelBackend.get_user:
            found = get_user_model()._default_manager.order_by().in_bulk(user_ids)
            for user_id in user_ids:
                user = found.get(user_id)
                users[backend_path, user_id] = user if user and backend.user_can_authenticate(user) else None
        else:
            users |= {(backend_path, user_id): backend.get_user(user_id) for user_id in user_ids}
    return users


def marker_of(session) -> str | None:
    return session.get(MARKER)


def holds(session_key: str | None, user_id: int) -> bool:
    """The session is still a log-in of this user."""
    return holding([(session_key, user_id)])[0]


def holding(logins: list[tuple[str | None, int]]) -> list[bool]:
    """For each (session key, user id), whether the session is still a log-in of this user: it
    names the user through one of AUTHENTICATION_BACKENDS that still returns them, and carries
    their session auth hash (the current one, or one made with a SECRET_KEY_FALLBACKS key). In a
    fixed number of queries for any number of them (the heartbeats that come together,
    notifications/heartbeats.py)."""
    stores = [_store(session_key) if session_key else None for session_key, _user_id in logins]
    preload([store for store in stores if store is not None])  # an empty store: gone or expired
    claims = {}  # index -> (backend path, user id), where the session names this user
    for index, ((_session_key, user_id), store) in enumerate(zip(logins, stores, strict=True)):
        if store is None:
            continue
        backend_path, named = store.get(BACKEND_SESSION_KEY), store.get(SESSION_KEY)
        if named is not None and str(named) == str(user_id) and backend_path in settings.AUTHENTICATION_BACKENDS:
            claims[index] = (backend_path, user_id)
    users = _returned(set(claims.values()))
    result = []
    for index, store in enumerate(stores):
        user = users.get(claims.get(index))
        session_hash = store.get(HASH_SESSION_KEY) if user is not None else None
        expected = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()] if session_hash else []
        result.append(any(constant_time_compare(session_hash, one) for one in expected))
    return result


def login_of(session_data: dict) -> tuple[int, str] | None:
    """The user id and marker of a saved session's data, when it is a marked log-in."""
    marker, user_id = session_data.get(MARKER), session_data.get(SESSION_KEY)
    if not marker or user_id is None:
        return None
    try:
        return int(user_id), marker
    except (TypeError, ValueError):
        return None
