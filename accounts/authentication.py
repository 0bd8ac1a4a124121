"""The API's authentication (its own module: DRF imports authentication classes while it builds its
views, so this one must not import any view). Tokens expire: one older than API_TOKEN_TTL_HOURS is
refused (401) and deleted; they also die with a password change or reset and with deactivation
(User.save). A session must have passed its second factor."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from . import services


def expires_at(token):
    return token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if expires_at(token) <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed("The token has expired: ask auth/token for a new one.")
        return user, token


class VerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication that refuses the session of a user with a second factor until the
    session has proven it (a 403 `second_factor_required`). Token calls are unaffected: a token is
    only made after the second factor (accounts/api.py)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = request._request.user  # django-otp's middleware gave it is_verified()
        if not user.is_verified() and services.has_second_factor(user):
            from lms_site.api_errors import SecondFactorRequired  # imports DRF's views, which import this

            raise SecondFactorRequired("Finish logging in with your second factor before using the API.")
        return result
