"""The API's session authentication, with the second factor (its own module: DRF imports
authentication classes while it builds its views, so this one must not import any view)."""

from rest_framework.authentication import SessionAuthentication

from . import services


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
