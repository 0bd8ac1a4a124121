"""The API's way in: register an account, exchange a username and password for a token.

A user with a second factor (docs/architecture.md, "Multi-factor authentication") also sends
`otp`, a code from their app or a recovery code, before a token is made; and a session cookie of
theirs authenticates API calls only once the session proved the second factor
(accounts/authentication.py).

Both are open to anonymous callers and share the strict "auth" throttle scope (per address), on
top of the anonymous rate. Registration validates with the sign-up page's own form, so the rules on
usernames, e-mail addresses and passwords exist once.
"""

from django.db import IntegrityError
from django.utils import timezone
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from lms_site.api_errors import Conflict, ErrorSerializer, SecondFactorRequired

from . import services
from .authentication import expires_at
from .forms import SignupForm
from .lockout import LockedOut
from .throttling import SignupThrottle


class RegisterInputSerializer(serializers.Serializer):
    # The sign-up form's rules, stated here too so the schema tells clients what is accepted.
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(min_length=8, max_length=128, write_only=True, style={"input_type": "password"})
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    time_zone = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The person's IANA time zone, e.g. \"Europe/Paris\"; missing or unknown: the site's (UTC).",
    )


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.CharField()


class AuthThrottleMixin:
    """Anonymous rate plus the stricter "auth" scope."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "auth"


SIGNUP_ANSWER = "Check your email: follow the link in it to finish signing up."


class SignupAnswerSerializer(serializers.Serializer):
    detail = serializers.CharField()


class RegisterView(AuthThrottleMixin, APIView):
    """Sign up as a student (teaching is requested on the site). The answer is the same 202
    whether or not the address is in use, so it tells nobody who has an account: a new address
    gets a link to activate the account, a used one a mail to its owner. Then ask auth/token. A
    taken username is a 409 (usernames are public); any other invalid field a 400."""

    throttle_classes = [*AuthThrottleMixin.throttle_classes, SignupThrottle]

    @extend_schema(
        operation_id="auth_register",
        request=RegisterInputSerializer,
        responses={
            202: SignupAnswerSerializer,
            409: OpenApiResponse(ErrorSerializer, description="The username is taken."),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        form = SignupForm(
            data={
                "username": values["username"],
                "email": values["email"],
                "password1": values["password"],
                "password2": values["password"],
                "first_name": values["first_name"],
                "last_name": values["last_name"],
                "time_zone": values["time_zone"],
            }
        )
        if not form.is_valid():
            errors = form.errors.get_json_data()
            fields = {
                ("password" if name in {"password1", "password2"} else name): [e["message"] for e in items]
                for name, items in errors.items()
            }
            if form.has_error("username", "unique"):
                raise Conflict({"username": fields["username"]})
            raise serializers.ValidationError(fields)
        try:
            services.sign_up(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=values["password"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                absolute_url=request.build_absolute_uri,
                time_zone=form.cleaned_data["time_zone"],
            )
        except IntegrityError as race:  # the same username registered a moment ago
            raise Conflict({"username": ["A user with that username already exists."]}) from race
        return Response({"detail": SIGNUP_ANSWER}, status=status.HTTP_202_ACCEPTED)


class TokenInputSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        max_length=16,
        write_only=True,
        help_text="Required for accounts with two-factor authentication: a code from the "
        "authenticator app, or a recovery code (used up).",
    )


class TokenView(AuthThrottleMixin, ObtainAuthToken):
    """POST: the caller's token for a username and password (the same token on every call until
    it expires, API_TOKEN_TTL_HOURS after it was issued), and the second factor when the account
    has one: without `otp` a 403 `second_factor_required`, with a wrong one a 400 naming the field.
    DELETE: revoke the token of the authenticated caller (a log-out for API clients)."""

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else super().get_permissions()

    @extend_schema(operation_id="auth_token_revoke", request=None, responses={204: None}, tags=["auth"])
    def delete(self, request, *args, **kwargs):
        services.revoke_tokens(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
    renderer_classes = api_settings.DEFAULT_RENDERER_CLASSES
    serializer_class = TokenInputSerializer

    @extend_schema(operation_id="auth_token", responses={200: TokenOutputSerializer}, auth=[], tags=["auth"])
    def post(self, request, *args, **kwargs):
        credentials = self.get_serializer(data=request.data)
        # The serializer authenticates with `request=`, so django-axes counts this attempt and
        # refuses a locked-out account or address even with the right password.
        if not credentials.is_valid():
            if getattr(request, "axes_locked_out", False):
                raise LockedOut(request, getattr(request, "axes_credentials", None))
            raise serializers.ValidationError(credentials.errors)
        user = credentials.validated_data["user"]
        if services.has_second_factor(user):
            code = "".join(credentials.validated_data.get("otp", "").split())
            if not code:
                raise SecondFactorRequired(
                    {"otp": ["This account uses two-factor authentication: send a code from your app as `otp`."]}
                )
            if services.verify_code(user, code) is None:
                raise serializers.ValidationError({"otp": ["That code is not valid."]})
        token, created = Token.objects.get_or_create(user=user)
        if not created and expires_at(token) <= timezone.now():
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key, "user_id": user.pk, "username": user.username, "role": user.role})


class VerifiedSessionScheme(SessionScheme):
    """The schema documents the session check of accounts/authentication.py as the cookie scheme
    it is (registered by being defined; this module is imported with the API's URLs)."""

    target_class = "accounts.authentication.VerifiedSessionAuthentication"
