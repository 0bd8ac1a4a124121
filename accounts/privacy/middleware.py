"""Asking people to accept a new version of the privacy policy or the terms on their next page view.

What a session still has to accept is worked out at log-in (receivers.py) and again at most every
PRIVACY_POLICY_RECHECK_SECONDS, and kept in the session: an ordinary page view costs no query. A
logged-in GET of a page then redirects to the acceptance page while anything is outstanding. The
admin, the API, files, the privacy pages themselves (reading the policy, exporting one's data,
deleting one's account) and logging out are never held up.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from . import selectors

SESSION_KEY = "privacy_outstanding"
EXEMPT_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/healthz", "/ws/", "/accounts/logout/")


def refresh(request, user=None) -> list[str]:
    """Work out again what this session's user has to accept, and keep it in the session."""
    outstanding = [document.kind for document in selectors.outstanding_policies(user or request.user)]
    request.session[SESSION_KEY] = {"at": time.time(), "kinds": outstanding}
    return outstanding


def outstanding(request) -> list[str]:
    check = request.session.get(SESSION_KEY)
    if check is None or time.time() - check.get("at", 0) > settings.PRIVACY_POLICY_RECHECK_SECONDS:
        return refresh(request)
    return check["kinds"]


def _exempt(path: str) -> bool:
    privacy_paths = (reverse("privacy:policy"), reverse("privacy:terms"), reverse("privacy:your_data"))
    return path.startswith(EXEMPT_PREFIXES) or path.startswith(privacy_paths)


class PolicyConsentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and not _exempt(request.path_info)
            and request.user.is_authenticated
            and outstanding(request)
        ):
            return redirect(reverse("privacy:accept") + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)
