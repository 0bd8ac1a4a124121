"""Where a person is logged in, and logging those sessions out.

Django's session store does not know whose a session is, so each log-in is recorded as a
UserSession row (the `user_logged_in` signal), dropped at log-out (`user_logged_out`), and
`LastSeenMiddleware` moves its last-seen time on at most once a minute. Ending a session deletes it
from the session store itself, not just the row: the next request, and the socket's session check,
then find no session and are anonymous.

A row is only a pointer: `sessions_of` shows a session only while the store still holds it for this
user with the current password (a password change or an expiry ends a session without a log-out
signal), and forgets the rows that point at nothing.
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import cached_property

TOUCH_EVERY = timedelta(minutes=1)
USER_AGENT_LENGTH = 500


class UserSession(models.Model):
    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions")
    user_agent = models.CharField(max_length=USER_AGENT_LENGTH, blank=True)
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField("first seen", default=timezone.now)
    last_seen_at = models.DateTimeField("last seen", default=timezone.now)

    class Meta:
        app_label = "accounts"
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} on {self.device}"

    @cached_property
    def device(self) -> str:
        """ "Chrome on Windows", "Mobile Safari on iOS (iPhone)", or "Unknown browser"."""
        from ua_parser import parse  # its rules load on first use (about half a second), not at start

        found = parse(self.user_agent) if self.user_agent else None
        browser = found.user_agent.family if found and found.user_agent else "Unknown browser"
        label = browser
        if found and found.os and found.os.family != "Other":
            label += f" on {found.os.family}"
        if found and found.device and found.device.family not in ("Other", "Mac", "K"):
            label += f" ({found.device.family})"
        return label


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def client_ip(request) -> str | None:
    """The address that connected; behind the proxy (BEHIND_PROXY=1), the one the proxy appended
    last to X-Forwarded-For, since earlier entries are whatever the client sent."""
    if settings.SECURE_PROXY_SSL_HEADER and request.headers.get("X-Forwarded-For"):
        return request.headers["X-Forwarded-For"].split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _details(request) -> dict:
    return {
        "user_agent": request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH],
        "ip": client_ip(request),
    }


def record_login(sender, request, user, **kwargs) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if request is None or not session_key:
        return
    now = timezone.now()
    UserSession.objects.update_or_create(
        session_key=session_key, defaults={"user": user, "created_at": now, "last_seen_at": now, **_details(request)}
    )
    cache.set(_touched_key(session_key), True, TOUCH_EVERY.total_seconds())


def record_logout(sender, request, user, **kwargs) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def _touched_key(session_key: str) -> str:
    return f"accounts:session-seen:{session_key}"


class LastSeenMiddleware:
    """After AuthenticationMiddleware: one write a minute at most per session (the cache remembers
    the last one). A session from before these rows existed gets its row here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session_key = request.session.session_key if hasattr(request, "session") else None
        signed_in = user is not None and user.is_authenticated and session_key
        if signed_in and cache.add(_touched_key(session_key), True, TOUCH_EVERY.total_seconds()):
            UserSession.objects.update_or_create(
                session_key=session_key,
                defaults={"user": user, "last_seen_at": timezone.now(), **_details(request)},
            )
        return self.get_response(request)


def _is_alive(row: UserSession, data: dict) -> bool:
    return data.get(SESSION_KEY) == str(row.user.pk) and constant_time_compare(
        data.get(HASH_SESSION_KEY, ""), row.user.get_session_auth_hash()
    )


def sessions_of(user) -> list[UserSession]:
    """The user's live sessions, most recently seen first; rows of dead ones are deleted. Two
    queries however many sessions: the rows, and their unexpired data in the session store."""
    rows = list(UserSession.objects.filter(user=user))
    stored = Session.objects.filter(session_key__in=[row.session_key for row in rows], expire_date__gt=timezone.now())
    data = {session.session_key: session.get_decoded() for session in stored}
    for row in rows:
        row.user = user
    dead = [row.pk for row in rows if not _is_alive(row, data.get(row.session_key, {}))]
    if dead:
        UserSession.objects.filter(pk__in=dead).delete()
    return [row for row in rows if row.pk not in dead]


def end_session(*, user, session_id: int) -> bool:
    """Log out one of `user`'s sessions: it leaves the session store. False if there was none."""
    row = UserSession.objects.filter(user=user, pk=session_id).first()
    if row is None:
        return False
    _store(row.session_key).delete()
    row.delete()
    return True


def end_other_sessions(*, user, keep: str | None) -> int:
    """Log out every session of `user` but `keep` (a session key); returns how many ended."""
    rows = UserSession.objects.filter(user=user).exclude(session_key=keep or "")
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        _store(key).delete()
    rows.delete()
    return len(keys)
