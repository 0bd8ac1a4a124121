"""Writes about people: sign-up and the instructor role, each rule once.

`sign_up` is the sign-up page's and the API's auth/register: it answers nothing about whether the
address is taken (both cases send a mail, to the address's owner); `register` creates the student
account, inactive until the mailed link is followed (`activate`).
Nobody makes themselves an instructor: a student asks (`request_instructor_access`, the "Teach on
Lumen" page) and a site admin decides in the admin (`decide_instructor_request`). `make_instructor`
gives the role (staff, to reach the admin, and the Instructors group); an approval, the User admin
and seed_demo call it; `remove_instructor` takes it back (a declined review of an existing
instructor, `manage.py review_instructors`). What the Instructors group may do in the admin is
defined here too, and `ensure_instructors_group` re-applies it after every migrate
(accounts/apps.py). The second factors (TOTP, passkeys, recovery codes) are added, confirmed and
removed here too, whoever asks. A user's own details and time zone change through
`update_profile`."""

import logging
from collections.abc import Callable

import django_otp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import InstructorRequest, Passkey, User, time_zone_names, validate_time_zone
from .tokens import activation_token

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
    # Enrolment options: invitations are sent, never changed; the waiting list is read.
    "invitation": ("add", "view"),
    "waitlistentry": ("view",),
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
    # Moderating the course's discussions. Deleting a thread deletes its posts, so both.
    "thread": ("view", "change", "delete"),
    "post": ("view", "change", "delete"),
    # Sales of their courses, read-only (refunds are the site admins').
    "transaction": ("view",),
}
INSTRUCTOR_APP_LABEL = "courses"


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


def remove_instructor(user: User) -> User:
    """Take the instructor role back: a student again, out of the Instructors group and, unless a
    superuser, without staff status. Their courses stay; a site admin reassigns them."""
    if user.is_instructor:
        user.role = User.Role.STUDENT
    user.is_staff = user.is_superuser
    user.save(update_fields=["role", "is_staff"])
    user.groups.remove(*Group.objects.filter(name=INSTRUCTORS_GROUP))
    return user


@transaction.atomic
def request_instructor_access(*, user: User, reason: str) -> InstructorRequest:
    """A student asks to teach. Asking again while a request is pending updates its reason."""
    if user.is_instructor or user.is_site_admin:
        raise ValidationError("You can already teach.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Tell us what you would like to teach."})
    pending = InstructorRequest.objects.select_for_update().filter(user=user, status=InstructorRequest.Status.PENDING)
    request = pending.first()
    if request is None:
        return InstructorRequest.objects.create(user=user, reason=reason)
    request.reason = reason
    request.save(update_fields=["reason"])
    return request


@transaction.atomic
def decide_instructor_request(*, request: InstructorRequest, approve: bool, by: User | None) -> InstructorRequest:
    """A site admin's decision on a pending request: approving makes the user an instructor;
    declining leaves (or makes) them a student. A decided request stays as it was decided."""
    request = InstructorRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
    if request.status != InstructorRequest.Status.PENDING:
        return request
    request.status = InstructorRequest.Status.APPROVED if approve else InstructorRequest.Status.DECLINED
    request.decided_at = timezone.now()
    request.decided_by = by
    request.save(update_fields=["status", "decided_at", "decided_by"])
    if approve:
        make_instructor(request.user)
    else:
        remove_instructor(request.user)
    return request


@transaction.atomic
def queue_instructors_for_review(*, demote: bool = False) -> int:
    """Open a pending request for every instructor who was never approved (they chose the role at
    sign-up when it was offered, or were made one before reviews existed), so a site admin
    confirms or declines each in the admin. With `demote` they are students until approved."""
    approved = InstructorRequest.objects.filter(status=InstructorRequest.Status.APPROVED).values("user")
    queued = 0
    for user in User.objects.filter(role=User.Role.INSTRUCTOR).exclude(pk__in=approved):
        if not user.instructor_requests.filter(status=InstructorRequest.Status.PENDING).exists():
            InstructorRequest.objects.create(user=user, reason="Instructor before reviews: confirm or decline.")
            queued += 1
        if demote:
            remove_instructor(user)
    return queued


@transaction.atomic
def register(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    is_active: bool = True,
    accepted_policies=(),
    time_zone: str = "",
) -> User:
    """Create a student account (teaching is asked for afterwards: request_instructor_access). The
    policy versions the person accepted (accounts/privacy) are recorded with the account. The time
    zone is what the browser reported at sign-up: one we do not know (missing, mistyped, a newer
    tz database than ours) is the site's, silently, since the person never typed it."""
    user = get_user_model().objects.create_user(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_active=is_active,
        role=User.Role.STUDENT,  # set on creation: the "registered" event names the role
        time_zone=time_zone if time_zone in time_zone_names() else settings.TIME_ZONE,
    )
    if accepted_policies:
        from .privacy.services import accept_policies

        accept_policies(user=user, documents=list(accepted_policies))
    return user


def _mail(user: User, subject: str, template: str, context: dict) -> None:
    body = render_to_string(template, {"user": user, "site_name": settings.SITE_NAME, **context})
    send_mail(f"{subject} — {settings.SITE_NAME}", body, None, [user.email])


def _link(absolute_url: Callable[[str], str], name: str, user: User, token: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_url(reverse(name, kwargs={"uidb64": uid, "token": token}))


@transaction.atomic
def sign_up(
    *,
    username: str,
    email: str,
    password: str,
    absolute_url: Callable[[str], str],
    first_name: str = "",
    last_name: str = "",
    accepted_policies=(),
    time_zone: str = "",
) -> None:
    """Sign-up without telling the caller whether the address is in use: a new address gets an
    inactive student and a link to activate it; a used one gets a mail telling its owner someone
    tried (and no account). The password is hashed either way, so both take about as long."""
    email = User.objects.normalize_email(email)
    owner = User.objects.filter(email__iexact=email).first()
    if owner is not None:
        make_password(password)
        reset = _link(absolute_url, "accounts:password_reset_confirm", owner, default_token_generator.make_token(owner))
        _mail(
            owner,
            "Someone tried to sign up with your address",
            "registration/signup_exists_email.txt",
            {"reset_link": reset},
        )
        return
    user = register(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_active=False,
        accepted_policies=accepted_policies,
        time_zone=time_zone,
    )
    link = _link(absolute_url, "accounts:activate", user, activation_token.make_token(user))
    _mail(user, "Confirm your address", "registration/signup_activate_email.txt", {"link": link})


def activate(*, uidb64: str, token: str) -> User | None:
    """The account the sign-up link names, activated; None for a wrong, used or expired link."""
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if user.is_active or not activation_token.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def update_profile(*, user: User, first_name: str, last_name: str, bio: str, time_zone: str) -> User:
    """The profile page's save: the user's name, bio and time zone (an IANA name, e.g.
    "Europe/Paris"; an unknown one is a ValidationError on `time_zone`)."""
    try:
        validate_time_zone(time_zone)
    except ValidationError as unknown:
        raise ValidationError({"time_zone": unknown.messages}) from unknown
    user.first_name, user.last_name, user.bio, user.time_zone = first_name, last_name, bio, time_zone
    user.save(update_fields=["first_name", "last_name", "bio", "time_zone"])
    return user


def revoke_tokens(*, user: User) -> int:
    """Delete the user's API tokens (the profile page's "revoke" and the API's DELETE auth/token)."""
    from rest_framework.authtoken.models import Token

    count, _ = Token.objects.filter(user=user).delete()
    return count


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
