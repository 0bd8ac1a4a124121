"""Who may enter the admin and change their second factors: one rule, for every such request.

- A logged-in session of a user who has a second factor but has not proven it (it began before
  they added the factor: log-in itself never leaves one, see accounts/views.py) is sent to the
  second step before the admin or the security pages.
- Staff (instructors and admins, `User.requires_second_factor`) without a second factor are sent
  to set one up when they open the admin, and come back to where they were going.

Other pages ask nothing here, so a student's page costs no query for it. The API applies the
first rule to session calls itself (accounts.api.VerifiedSessionAuthentication).

TimeZoneMiddleware (below) puts every request in the user's own time zone.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from . import services


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.redirect_for(request) or self.get_response(request)

    @staticmethod
    def redirect_for(request):
        path = request.path_info
        admin = reverse("admin:index")
        in_admin = path.startswith(admin) and path not in {reverse("admin:login"), reverse("admin:logout")}
        if not (in_admin or path.startswith(reverse("accounts:security"))):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        back = urlencode({"next": request.get_full_path()})
        if services.has_second_factor(user):
            return redirect(f"{reverse('accounts:login_verify')}?{back}")
        if in_admin and user.requires_second_factor:
            messages.warning(request, "Set up two-factor authentication to use the admin.")
            return redirect(f"{reverse('accounts:totp_setup')}?{back}")
        return None


class TimeZoneMiddleware:
    """Every page and the admin in the user's own time zone (User.time_zone): Django's localtime,
    the {% when %} tag, the admin's lists and forms, and a date typed into a form, which is read
    in this zone. Anonymous visitors see the site's zone (TIME_ZONE); the page's JS
    (static/js/when.js) rewrites their times in the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            timezone.activate(user.zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
