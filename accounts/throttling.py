"""Sign-ups per address, for the page and the API alike (one counter: the same cache key)."""

from rest_framework.throttling import SimpleRateThrottle


class SignupThrottle(SimpleRateThrottle):
    """`THROTTLE_SIGNUP` sign-up attempts per address (lms_site.addresses' rule, via get_ident).
    Works on a plain Django request too: the sign-up page asks `allow_request(request, None)`."""

    scope = "signup"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
