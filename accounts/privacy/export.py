"""What a data export holds: one JSON file per section, plus the files the person handed in.

Each app registers its sections and files (accounts/privacy/registry.py: courses/privacy.py,
notifications/privacy.py); this module has the account's own sections and the writing of the zip.
"""

import json
import zipfile

from axes.models import AccessAttempt
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django_otp import devices_for_user
from rest_framework.authtoken.models import Token

from ..models import InstructorRequest, UserSession
from . import registry
from .models import Consent, ErasureRequest
from .registry import export_section

README = """Your data from {site}, prepared {when}.

Each .json file holds one kind of record about you; times are in UTC (ISO 8601).
files/ holds the files you handed in, named as in assignment_submissions.json.
API tokens are listed without their secret value.
"""


@export_section("profile")
def profile(user) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "bio": user.bio,
        "time_zone": user.time_zone,
        "role": user.role,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
    }


@export_section("api_tokens")
def api_tokens(user) -> list:
    """Metadata only: the key is a secret and never leaves the server."""
    return [{"created_at": token.created} for token in Token.objects.filter(user=user)]


@export_section("consents")
def consents(user) -> list:
    return list(Consent.objects.filter(user=user).values("purpose", "version", "given", "recorded_at"))


@export_section("erasure_requests")
def erasure_requests(user) -> list:
    return list(ErasureRequest.objects.filter(user=user).values("requested_at", "due_at", "cancelled_at"))


@export_section("instructor_requests")
def instructor_requests(user) -> list:
    requests = InstructorRequest.objects.filter(user=user)
    return list(requests.values("reason", "status", "created_at", "decided_at"))


@export_section("sessions")
def sessions(user) -> list:
    """Where the account is logged in (the sessions page), without the session keys."""
    sessions = UserSession.objects.filter(user=user).annotate(ip_address=F("ip"))
    return list(sessions.values("user_agent", "ip_address", "created_at", "last_seen_at"))


@export_section("second_factors")
def second_factors(user) -> list:
    """Names and kinds only: secrets and public keys stay on the server."""
    return [
        {"kind": type(device).__name__, "name": device.name, "confirmed": device.confirmed}
        for device in devices_for_user(user, confirmed=None)
    ]


@export_section("failed_log_ins")
def failed_log_ins(user) -> list:
    """Failed log-ins counted against this account (django-axes), within their cool-off."""
    attempts = AccessAttempt.objects.filter(username=user.username)
    attempts = attempts.annotate(failures=F("failures_since_start"), last_at=F("attempt_time"))
    return list(attempts.values("ip_address", "failures", "last_at"))


def write_export(user, stream, *, site: str, when) -> None:
    """Write the zip of everything about `user` to a binary stream."""
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(site=site, when=when.isoformat()))
        registry.discover()
        for name, section in registry.EXPORT_SECTIONS.items():
            data = json.dumps(section(user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
            archive.writestr(f"{name}.json", data)
        for files in registry.EXPORT_FILES:
            for path, stored in files(user):
                try:
                    with stored.open("rb") as source:
                        archive.writestr(path, source.read())
                except FileNotFoundError:
                    archive.writestr(path + ".missing.txt", "This file was lost.")
