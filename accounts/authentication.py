"""API tokens that expire: a token older than API_TOKEN_TTL_HOURS is refused (401) and deleted.
Tokens also die with a password change or reset and with deactivation (User.save)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def expires_at(token):
    return token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if expires_at(token) <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed("The token has expired: ask auth/token for a new one.")
        return user, token
