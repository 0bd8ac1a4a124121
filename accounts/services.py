"""Writes about people: sign-up and the instructor role, each rule once.

`register` creates an account with the role chosen at sign-up (student or instructor, never
admin); the sign-up page and the API's auth/register both call it. `make_instructor` gives the
instructor role (staff, to reach the admin, and the Instructors group); `register`, the User admin
and seed_demo call it. The second factors (TOTP, passkeys, recovery codes) are added, confirmed and
removed here too, whoever asks. What the Instructors group may do in the admin is defined here too, and
`ensure_instructors_group` re-applies it after every migrate (accounts/apps.py)."""

import logging

import django_otp
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Passkey, User

logger = logging.getLogger(__name__)

INSTRUCTORS_GROUP = "Instructors"

# What an instructor needs in the admin, and nothing more: model name -> actions, all in the courses
# app. Looked up by app label and codename so accounts does not import courses. The admin then
# narrows every one of these to the instructor's own courses.
INSTRUCTOR_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "course": ("add", "change", "delete", "view"),
    "resource": ("add", "change", "delete", "view"),
    "announcement": ("add", "change", "delete", "view"),
    "subscription": ("view",),
    # Authoring: modules, lessons, quizzes and assignments.
    "module": ("add", "change", "delete", "view"),
    "lesson": ("add", "change", "delete", "view"),
    "quiz": ("add", "change", "delete", "view"),
    "question": ("add", "change", "delete", "view"),
    "choice": ("add", "change", "delete", "view"),
    "assignment": ("add", "change", "delete", "view"),
    # Grading: students' work is read, submissions are graded, never created or deleted.
    "attempt": ("view",),
    "answer": ("view",),
    "submission": ("view", "change"),
    "gradebook": ("view",),
    # Moderating the course's discussions.
    "thread": ("view", "change", "delete"),
    "post": ("view", "change"),
}
INSTRUCTOR_APP_LABEL = "courses"

SIGNUP_ROLES = (User.Role.STUDENT, User.Role.INSTRUCTOR)


def instructor_codenames() -> set[str]:
    return {f"{action}_{model}" for model, actions in INSTRUCTOR_PERMISSIONS.items() for action in actions}


def ensure_instructors_group(using: str = "default") -> Group:
    """Create or update the Instructors group so it holds exactly the instructor permissions.
    Idempotent; runs after every migrate."""
    wanted = instructor_codenames()
    permissions = list(
        Permission.objects.using(using).filter(content_type__app_label=INSTRUCTOR_APP_LABEL, codename__in=wanted)
    )
    missing = wanted - {p.codename for p in permissions}
    if missing:
        logger.warning("Instructors group: permissions not found yet: %s", ", ".join(sorted(missing)))
    group, _ = Group.objects.using(using).get_or_create(name=INSTRUCTORS_GROUP)
    group.permissions.set(permissions)
    return group


def make_instructor(user: User) -> User:
    """Give a user the instructor role: staff (to reach the admin) and the Instructors group."""
    group = Group.objects.filter(name=INSTRUCTORS_GROUP).first() or ensure_instructors_group()
    user.role = User.Role.INSTRUCTOR
    user.is_staff = True
    user.save(update_fields=["role", "is_staff"])
    user.groups.add(group)
    return user


@transaction.atomic
def register(
    *,
    username: str,
    email: str,
    password: str,
    role: str = User.Role.STUDENT,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create an account. Sign-up may choose student or instructor, never admin."""
    if role not in SIGNUP_ROLES:
        raise ValidationError({"role": "Choose student or instructor."})
    user = get_user_model().objects.create_user(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        role=role,  # set on creation: the "registered" event names the role
    )
    if role == User.Role.INSTRUCTOR:
        make_instructor(user)
    return user


# Second factors (docs/architecture.md, "Multi-factor authentication"). A user's factors are
# django-otp devices: one TOTP app, passkeys, and one set of recovery codes that exists only while
# one of the others does. Every page, the API and seed_demo go through these functions.

RECOVERY_CODES = 10


def second_factors(user: User) -> list:
    """The confirmed TOTP devices and passkeys of `user` (recovery codes are a fallback, not a
    factor of their own)."""
    return [
        device
        for device in devices_for_user(user)
        if isinstance(device, TOTPDevice | Passkey)  # not the recovery codes
    ]


def has_second_factor(user: User) -> bool:
    return bool(second_factors(user))


def start_totp(user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device (a fresh secret), made on first call and kept until it is
    confirmed, so reloading the set-up page does not change the QR code under the user's phone."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def confirm_totp(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a TOTP device with a code from the app. An account without recovery codes gets
    fresh ones, returned to be shown once ([] when it has some). None when the code is wrong."""
    if not device.verify_token(token):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()  # one app per account
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return [] if recovery_codes_left(user) else new_recovery_codes(user)


def _recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user).first()


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new ones (each works once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def remove_second_factor(device: TOTPDevice | Passkey) -> None:
    """Remove one factor; with the last one go the recovery codes, which would otherwise be a
    second factor nobody can renew."""
    user = device.user
    device.delete()
    if not has_second_factor(user):
        StaticDevice.objects.filter(user=user).delete()


def add_passkey(
    *, user: User, credential_id: bytes, public_key: bytes, sign_count: int, transports: list[str], name: str
) -> Passkey:
    """Store a verified WebAuthn credential (accounts/passkeys.py verified it)."""
    return Passkey.objects.create(
        user=user,
        name=name or "Passkey",
        credential_id=credential_id,
        public_key=public_key,
        sign_count=sign_count,
        transports=transports,
        confirmed=True,
    )


def verify_code(user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts `code` (a TOTP code or a recovery code, which is then used up), or
    None. Each device counts its own failures and refuses for a growing time after them
    (django-otp's throttling)."""
    devices = [*TOTPDevice.objects.devices_for_user(user, confirmed=True), _recovery_device(user)]
    for device in devices:
        if device is not None and django_otp.verify_token(user, device.persistent_id, code):
            return device
    return None


def add_known_totp(*, user: User, secret: bytes) -> TOTPDevice:
    """An authenticator app already set up with `secret`: for the demo accounts of seed_demo only,
    whose secret is printed so that anyone trying the demo can add it to an app. Kept if present."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Demo app", key=secret.hex(), confirmed=True)
