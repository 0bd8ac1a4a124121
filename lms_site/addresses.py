"""The one rule for "which address is this request from", used by the API's throttles (DRF reads
`NUM_PROXIES` itself), the sign-up page's throttle and django-axes' lock-out counter.

`X-Forwarded-For` is believed only as far as `NUM_PROXIES` trusted proxies wrote it: with 0 (the
default) it is ignored and the connection's own address counts, so a client cannot mint a new
address per request by rotating the header. Behind nginx, daphne's `--proxy-headers` already turns
the header nginx *sets* (never appends) into the connection address, so 0 is right there too.
"""

from rest_framework.throttling import BaseThrottle


def client_address(request) -> str:
    """The caller's address under the `NUM_PROXIES` rule (DRF's own, so the throttles agree)."""
    return BaseThrottle().get_ident(request) or ""
