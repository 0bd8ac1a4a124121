"""Which pages may open a WebSocket here: the site's own origins, compared by scheme, host and port.

Channels' AllowedHostsOriginValidator compares the host name only, so a page on another port of the
same host (another service, a developer's tool) or over plain HTTP could open the socket with the
user's cookie. Here an origin is allowed when

- its host is in ALLOWED_HOSTS and its scheme and port are the ones this socket came in on: the
  scheme from `wss`, or from the proxy's header when SECURE_PROXY_SSL_HEADER trusts it
  (BEHIND_PROXY=1), the port from the Host header (nginx passes the browser's Host header with
  its port, deploy/nginx/lms.conf), or the scheme's default port when it has none; or
- it is one of CSRF_TRUSTED_ORIGINS (scheme, host and port; `*.example.edu` for subdomains, as
  Django's CSRF check reads them).
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import is_same_domain, split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _parse(origin: str) -> tuple[str, str, int] | None:
    """scheme, host, port of an http(s) origin, or None when it is not one (`null`, a path, a
    user name, a port that is no number)."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.username is not None:
        return None
    if parts.path or parts.query or parts.fragment:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def _allowed_hosts() -> list[str]:
    if settings.DEBUG and not settings.ALLOWED_HOSTS:  # as Django's own host check
        return [".localhost", "127.0.0.1", "[::1]"]
    return settings.ALLOWED_HOSTS


def origin_allowed(origin: str, *, host_header: str, secure: bool) -> bool:
    """Whether a page at `origin` may open a socket that arrived with this Host header, over TLS
    (at daphne or at the proxy) or not."""
    parsed = _parse(origin)
    if parsed is None:
        return False
    scheme, host, port = parsed
    for trusted in map(_parse, settings.CSRF_TRUSTED_ORIGINS):
        if trusted is None or (scheme, port) != (trusted[0], trusted[2]):
            continue
        pattern = trusted[1]
        if host == pattern or (pattern.startswith("*.") and is_same_domain(host, pattern[1:])):
            return True
    own_domain, own_port = split_domain_port(host_header)
    if not own_domain:  # no Host header, or one Django would refuse
        return False
    own_scheme = "https" if secure else "http"
    own_port = int(own_port) if own_port else DEFAULT_PORTS[own_scheme]
    bracketed = f"[{host}]" if ":" in host else host  # an IPv6 literal, as ALLOWED_HOSTS spells it
    return (scheme, port) == (own_scheme, own_port) and validate_host(bracketed, _allowed_hosts())


def _headers(scope) -> dict[str, str]:
    return {name.decode("latin1").lower(): value.decode("latin1") for name, value in scope.get("headers", [])}


def _is_secure(scope, headers: dict[str, str]) -> bool:
    if scope.get("scheme") == "wss":
        return True
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header:
        name, value = proxy_header
        forwarded = headers.get(name.removeprefix("HTTP_").lower().replace("_", "-"), "")
        return forwarded.split(",")[0].strip() == value
    return False


class SiteOriginValidator:
    """ASGI middleware: a WebSocket from a page of another origin is refused at the handshake
    (HTTP 403), before the session is read."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        headers = _headers(scope)
        origin, host = headers.get("origin", ""), headers.get("host", "")
        if origin_allowed(origin, host_header=host, secure=_is_secure(scope, headers)):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
