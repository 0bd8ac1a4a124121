"""Writes about people: sign-up and the instructor role, each rule once.

`register` creates an account with the role chosen at sign-up (student or instructor, never
admin); the sign-up page and the API's auth/register both call it. `make_instructor` gives the
instructor role (staff, to reach the admin, and the Instructors group); `register`, the User admin
and seed_demo call it. What the Instructors group may do in the admin is defined here too, and
`ensure_instructors_group` re-applies it after every migrate (accounts/apps.py)."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import User

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
    accepted_policies=(),
) -> User:
    """Create an account. Sign-up may choose student or instructor, never admin. The policy
    versions the person accepted (accounts/privacy) are recorded with the account."""
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
    if accepted_policies:
        from .privacy.services import accept_policies

        accept_policies(user=user, documents=list(accepted_policies))
    return user
