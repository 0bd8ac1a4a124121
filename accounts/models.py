from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person using the LMS. The role decides what they see; staff status follows the role."""

    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        INSTRUCTOR = "instructor", "Instructor"
        ADMIN = "admin", "Admin"

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)
    bio = models.TextField(blank=True, max_length=2000)

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

    def display_name(self) -> str:
        return self.get_full_name() or self.username


# Privacy rows live in their own module (accounts/privacy/models.py); imported here so they belong
# to this app.
from .privacy.models import Consent, DataExport, ErasureRequest, PolicyDocument  # noqa: E402, F401
