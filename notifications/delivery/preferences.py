"""Who wants what, by which channel: the one place the rule is decided.

For each kind of notification (an event kind, plus urgent announcements) a user has an email mode
(immediately, daily digest, weekly digest, off) and a push switch. The site's default comes from
the admin's `SitePreference` row or, without one, from `DEFAULTS`; a user's `Preference` row
overrides it unless the site administrator locked that channel. In-app notifications are always
on. Muted courses and quiet hours are in `DeliverySettings`."""

from dataclasses import dataclass

from django.db import transaction

from ..models import Event
from .models import DeliverySettings, EmailMode, Preference, PushSubscription, SitePreference

URGENT = "urgent_announcement"
# A freed seat given to the first in line of a waiting list: they may be waiting on it, so at once.
WAITLIST_SEAT = "waitlist_seat"

# Kinds a person may be told of outside the site, with what everyone gets unless they choose:
# what concerns you personally comes at once, course news once a day, catalog news not at all.
DEFAULTS: dict[str, tuple[str, bool]] = {
    URGENT: (EmailMode.IMMEDIATELY, True),
    WAITLIST_SEAT: (EmailMode.IMMEDIATELY, True),
    Event.Kind.ANNOUNCEMENT: (EmailMode.IMMEDIATELY, True),
    Event.Kind.GRADE_POSTED: (EmailMode.IMMEDIATELY, True),
    Event.Kind.MODERATION: (EmailMode.IMMEDIATELY, False),
    Event.Kind.PAYMENT: (EmailMode.IMMEDIATELY, False),
    Event.Kind.DISCUSSION_POST: (EmailMode.DAILY, False),
    Event.Kind.NEW_RESOURCE: (EmailMode.DAILY, False),
    Event.Kind.NEW_LESSON: (EmailMode.DAILY, False),
    Event.Kind.ASSIGNMENT_SUBMITTED: (EmailMode.DAILY, False),
    Event.Kind.SUBSCRIPTION: (EmailMode.WEEKLY, False),
    Event.Kind.COURSE_COMPLETED: (EmailMode.WEEKLY, False),
    Event.Kind.COURSE_PUBLISHED: (EmailMode.OFF, False),
    Event.Kind.USER_REGISTERED: (EmailMode.OFF, False),
}
LABELS = {URGENT: "Urgent announcements", WAITLIST_SEAT: "A seat for you from a waiting list"} | {
    kind.value: kind.label for kind in Event.Kind
}


def kind_of(event: Event) -> str:
    """The preference an event falls under: an urgent announcement and a seat from a waiting list
    have their own."""
    if event.payload.get("waitlist"):
        return WAITLIST_SEAT
    return URGENT if event.payload.get("urgent") else event.kind


@dataclass(frozen=True)
class Choice:
    email: str
    push: bool
    email_locked: bool = False
    push_locked: bool = False


def site_defaults() -> dict[str, Choice]:
    choices = {kind: Choice(email, push) for kind, (email, push) in DEFAULTS.items()}
    for row in SitePreference.objects.filter(kind__in=DEFAULTS):
        choices[row.kind] = Choice(row.email, row.push, row.email_locked, row.push_locked)
    return choices


def choices_for(user_ids, defaults: dict[str, Choice] | None = None) -> dict[int, dict[str, Choice]]:
    """Every listed user's effective choice for every kind, in two queries."""
    defaults = defaults or site_defaults()
    result = {user_id: dict(defaults) for user_id in user_ids}
    for row in Preference.objects.filter(user_id__in=list(result)):
        default = defaults.get(row.kind)
        if default is None:
            continue
        result[row.user_id][row.kind] = Choice(
            default.email if default.email_locked else row.email,
            default.push if default.push_locked else row.push,
            default.email_locked,
            default.push_locked,
        )
    return result


def settings_of(user) -> DeliverySettings:
    return DeliverySettings.objects.get_or_create(user=user)[0]


@transaction.atomic
def save_preferences(*, user, choices: dict[str, tuple[str, bool]], muted_course_ids=None, **settings_fields) -> None:
    """A user's choices from the preferences page (or the API): per kind (email mode, push),
    muted courses, quiet hours and digest time. Locked channels keep the site's value; a choice
    equal to the default stores no row."""
    defaults = site_defaults()
    for kind, (email, push) in choices.items():
        default = defaults[kind]
        email = default.email if default.email_locked else email
        push = default.push if default.push_locked else push
        if (email, push) == (default.email, default.push):
            Preference.objects.filter(user=user, kind=kind).delete()
        else:
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"email": email, "push": push})
    delivery_settings = settings_of(user)
    for name, value in settings_fields.items():
        setattr(delivery_settings, name, value)
    delivery_settings.save()
    if muted_course_ids is not None:
        delivery_settings.muted_courses.set(muted_course_ids)


def unsubscribe(*, user, kind: str | None) -> None:
    """Email off for one kind, or for every kind (None), except where the site locked it: the
    one-click link in every mail."""
    kinds = [kind] if kind else list(DEFAULTS)
    current = choices_for([user.pk])[user.pk]
    save_preferences(user=user, choices={k: (EmailMode.OFF, current[k].push) for k in kinds if k in current})


def add_push_subscription(*, user, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """This device's subscription, for this user (a device handed to another user moves with it)."""
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
    )
    return subscription


def remove_push_subscription(*, user, endpoint: str) -> None:
    PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
