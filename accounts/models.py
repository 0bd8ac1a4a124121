import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_otp.models import Device, TimestampMixin


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA zone names a user may choose (the system's tz database, or the tzdata package)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name: str) -> None:
    if name not in time_zone_names():
        raise ValidationError("%(name)s is not a time zone we know.", params={"name": name}, code="invalid_time_zone")


def default_time_zone() -> str:
    return settings.TIME_ZONE


class User(AbstractUser):
    """A person using the LMS. The role decides what they see; staff status follows the role."""

    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        INSTRUCTOR = "instructor", "Instructor"
        ADMIN = "admin", "Admin"

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)
    bio = models.TextField(blank=True, max_length=2000)
    # Every time a page shows this user is in this zone (accounts.middleware.TimeZoneMiddleware,
    # the {% when %} tag). Not choices: the list is the system's tz database, which changes with
    # it, and a migration per tzdata release would be noise.
    time_zone = models.CharField(max_length=64, default=default_time_zone, validators=[validate_time_zone])

    class Meta:
        ordering = ["username"]

    @property
    def is_instructor(self) -> bool:
        return self.role == self.Role.INSTRUCTOR

    @property
    def is_site_admin(self) -> bool:
        """The one definition of a site admin (courses/permissions.py builds on it): an active
        superuser, or an active user with the admin role."""
        return self.is_active and (self.is_superuser or self.role == self.Role.ADMIN)

    def save(self, *args, **kwargs):
        # Every door that changes a password (the change and reset pages, the admin,
        # `changepassword`, the shell) or deactivates ends here: API tokens die with the old
        # password and with the account. set_password() leaves `_password` set until this save.
        password_changed = self._password is not None
        super().save(*args, **kwargs)
        if password_changed or not self.is_active:
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user=self).delete()

    @property
    def requires_second_factor(self) -> bool:
        """Staff (instructors and admins) must have a second factor before they reach the admin;
        students may choose one."""
        return self.is_staff or self.is_site_admin

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The user's time zone; the site's if the stored name is no longer in the tz database."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Passkey(TimestampMixin, Device):
    """A WebAuthn credential, one of the user's second factors (docs/architecture.md).

    A django-otp device like the TOTP and recovery-code devices, so "has a second factor", "this
    session is verified" (`django_otp.login`, `request.user.is_verified()`) and removal work the
    same for all three. It never accepts a typed code: it is proven by a signed assertion
    (accounts/passkeys.py). `name`, `user` and `confirmed` come from Device, `created_at` and
    `last_used_at` from TimestampMixin."""

    credential_id = models.BinaryField(max_length=1023, unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)

    class Meta(Device.Meta):
        verbose_name = "passkey"

    def verify_token(self, token) -> bool:
        return False

    def record_use(self, sign_count: int) -> None:
        self.sign_count = sign_count
        self.last_used_at = timezone.now()
        self.save(update_fields=["sign_count", "last_used_at"])


class InstructorRequest(models.Model):
    """A student asks to teach; a site admin approves (they become an instructor) or declines.
    Written only by accounts.services (request_instructor_access, decide_instructor_request)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="instructor_requests")
    reason = models.TextField(max_length=2000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open request per person: asking twice does not queue twice.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="one_pending_instructor_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.get_status_display()}"


class AuditRedaction(models.Model):
    """A row here while an erasure redacts the audit log (accounts.audit.redact_entries inserts it
    and deletes it in the erasure's transaction, so no other transaction ever sees one). The
    database trigger of migration 0007 lets an UPDATE of an audit entry through only then, and only
    of the columns that may quote a person."""

    started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Audit redaction since {self.started_at:%Y-%m-%d %H:%M:%S}"


# Privacy rows live in their own module (accounts/privacy/models.py); imported here so they belong
# to this app.
from .privacy.models import Consent, DataExport, ErasureRequest, PolicyDocument  # noqa: E402, F401
from .sessions import UserSession  # noqa: E402 (defined beside the code that records it)

__all__ = ["InstructorRequest", "Passkey", "User", "UserSession"]
