"""Enrolment options in the admin: the course form's enrolment fields (key, dates, capacity), its
waiting list, and invitations. Scoped like every course admin (InstructorScopedAdmin): an
instructor sets these and invites only on their own courses; every write goes through a service."""

from django import forms
from django.contrib import admin

from .. import services
from ..models import Course, Invitation, WaitlistEntry
from .scoping import InstructorScopedAdmin, StudentRowsInline

ENROLMENT_FIELDS = [
    "enrolment_key_value",
    "remove_enrolment_key",
    "enrolment_opens_at",
    "enrolment_closes_at",
    "capacity",
]


class CourseForm(forms.ModelForm):
    """The key is stored hashed, so the form never shows it: a new one replaces it, a box removes it."""

    enrolment_key_value = forms.CharField(
        label="Enrolment key",
        required=False,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Students type it to enrol (an invitation needs none). Stored hashed, so it is never shown: "
        "leave empty to keep the current one.",
    )
    remove_enrolment_key = forms.BooleanField(label="Remove the enrolment key", required=False)

    class Meta:
        model = Course
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.has_enrolment_key:
            self.fields["enrolment_key_value"].help_text += " This course has a key now."

    def save(self, commit=True):
        # The admin saves through services.save_course (save_model): here only the key is set.
        course = super().save(commit=False)
        if self.cleaned_data.get("remove_enrolment_key"):
            course.set_enrolment_key("")
        elif self.cleaned_data.get("enrolment_key_value"):
            course.set_enrolment_key(self.cleaned_data["enrolment_key_value"])
        if commit:
            course.save()
        return course


class WaitlistInline(StudentRowsInline):
    """Who waits for a seat, first in line first."""

    model = WaitlistEntry
    verbose_name_plural = "waiting list"
    fields = ["student_name", "joined_at"]


@admin.register(Invitation)
class InvitationAdmin(InstructorScopedAdmin):
    """Invite an address to one of my courses; the worker mails the link. Sent, never changed."""

    list_display = ["email", "course", "state", "invited_by", "created_at", "expires_at", "accepted_by"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email", "course__code"]
    list_select_related = ["course", "invited_by", "accepted_by"]
    fields = ["course", "email"]
    # A sent invitation is shown, never changed (no change permission: every field is read-only).
    sent_fields = [
        *fields,
        *("invited_by", "created_at", "expires_at", "mailed_at", "accepted_by", "accepted_at"),
    ]

    @admin.display(description="state")
    def state(self, obj):
        return obj.state

    def get_fields(self, request, obj=None):
        return self.sent_fields if obj else self.fields

    def has_change_permission(self, request, obj=None):
        return False

    def write(self, request, obj) -> None:
        services.save_invitation(invitation=obj, by=request.user)
