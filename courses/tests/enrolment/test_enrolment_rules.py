"""The rules of enrolment options (courses/services/enrolment.py), through the one door every
caller takes (services.subscribe / unsubscribe): the key, the dates, the seats and the line."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses import selectors, services
from courses.models import Course, Subscription, WaitlistEntry

pytestmark = pytest.mark.django_db


def with_options(course, by, **options) -> Course:
    key = options.pop("key", None)
    for name, value in options.items():
        setattr(course, name, value)
    if key is not None:
        course.set_enrolment_key(key)
    return services.save_course(course=course, by=by)


def refusal(**kwargs) -> str:
    with pytest.raises(ValidationError) as refused:
        services.subscribe(**kwargs)
    return refused.value.code


def test_the_key_is_stored_hashed_and_checked(cs101, alice, dave, carol):
    with_options(cs101, alice, key="open sesame")
    stored = Course.objects.get(pk=cs101.pk).enrolment_key
    assert "open sesame" not in stored and stored.startswith("pbkdf2")
    assert refusal(user=dave, course=cs101) == "key_required"
    assert refusal(user=dave, course=cs101, key="Open sesame") == "wrong_key"
    assert not Subscription.objects.filter(student=dave).exists()
    _, created = services.subscribe(user=dave, course=cs101, key="open sesame")
    assert created


def test_removing_the_key_opens_the_course(cs101, alice, dave):
    with_options(cs101, alice, key="k")
    with_options(cs101, alice, key="")
    assert services.subscribe(user=dave, course=cs101)[1]


@pytest.mark.parametrize(
    ("opens", "closes", "outcome"),
    [
        (None, None, "open"),
        (1, None, "not_open_yet"),
        (None, -1, "closed"),
        (-2, -1, "closed"),
        (-1, 1, "open"),
        (1, 2, "not_open_yet"),
    ],
)
def test_the_dates_decide_when_students_enrol(cs101, alice, dave, opens, closes, outcome):
    now = timezone.now()
    hours = lambda h: None if h is None else now + datetime.timedelta(hours=h)  # noqa: E731
    with_options(cs101, alice, enrolment_opens_at=hours(opens), enrolment_closes_at=hours(closes))
    if outcome == "open":
        assert services.subscribe(user=dave, course=cs101)[1]
    else:
        assert refusal(user=dave, course=cs101) == outcome


def test_enrolment_must_close_after_it_opens(cs101, alice):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        with_options(cs101, alice, enrolment_opens_at=now, enrolment_closes_at=now)
    assert "enrolment_closes_at" in refused.value.message_dict


def test_a_capacity_of_zero_is_refused(cs101, alice):
    with pytest.raises(ValidationError) as refused:
        with_options(cs101, alice, capacity=0)
    assert "capacity" in refused.value.message_dict


def test_a_full_course_puts_students_in_line_and_a_freed_seat_goes_to_the_first(cs101, alice, carol, dave, erin):
    with_options(cs101, alice, capacity=1)
    seat, _ = services.subscribe(user=carol, course=cs101)
    first, created = services.subscribe(user=dave, course=cs101)
    second, _ = services.subscribe(user=erin, course=cs101)
    assert isinstance(seat, Subscription) and isinstance(first, WaitlistEntry) and created
    assert (first.position, second.position) == (1, 2)
    # Asking again keeps the place in line.
    assert services.subscribe(user=dave, course=cs101) == (first, False)

    assert services.unsubscribe(user=carol, course=cs101)
    assert Subscription.objects.get(course=cs101).student == dave
    assert WaitlistEntry.objects.get(course=cs101).student == erin


def test_a_seat_freed_by_deleting_an_account_goes_to_the_first_in_line(
    cs101, alice, carol, dave, erin, django_capture_on_commit_callbacks
):
    with_options(cs101, alice, capacity=1)
    for student in (carol, dave, erin):
        services.subscribe(user=student, course=cs101)
    with django_capture_on_commit_callbacks(execute=True):
        carol.delete()  # a site admin deletes the account: her subscription goes with it
    assert Subscription.objects.get(course=cs101).student == dave
    assert Subscription.objects.get(course=cs101).source == Subscription.Source.WAITLIST
    assert WaitlistEntry.objects.get(course=cs101).student == erin
    with django_capture_on_commit_callbacks(execute=True):
        erin.delete()  # one waiting: no seat was freed, nobody moves
    assert Subscription.objects.get(course=cs101).student == dave and not WaitlistEntry.objects.exists()


def test_an_inactive_account_holds_no_seat_and_its_seat_goes_to_the_first_in_line(
    cs101, alice, carol, dave, erin, django_capture_on_commit_callbacks
):
    from accounts.privacy import services as privacy

    with_options(cs101, alice, capacity=1)
    for student in (carol, dave, erin):
        services.subscribe(user=student, course=cs101)
    with django_capture_on_commit_callbacks(execute=True):
        carol.is_active = False  # a site admin deactivates the account
        carol.save()

    def seated():
        return [s.student for s in Subscription.objects.filter(course=cs101, student__is_active=True)]

    assert seated() == [dave]
    assert Subscription.objects.filter(course=cs101, student=carol).exists()  # the numbers keep her
    assert WaitlistEntry.objects.get(course=cs101).student == erin
    assert selectors.seats_left(cs101) == 0
    with django_capture_on_commit_callbacks(execute=True):
        carol.is_active = True  # back: her subscription is hers again, over the capacity
        carol.save()
    assert selectors.seats_left(cs101) == 0 and WaitlistEntry.objects.get(course=cs101).student == erin

    request = privacy.request_erasure(user=carol)
    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.erase_account(request_id=request.pk, now=request.due_at)
    assert selectors.seats_left(cs101) == 0 and WaitlistEntry.objects.get(course=cs101).student == erin  # still 2 of 1
    request = privacy.request_erasure(user=dave)
    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.erase_account(request_id=request.pk, now=request.due_at)
    assert seated() == [erin] and not WaitlistEntry.objects.exists()


def test_an_inactive_account_waiting_in_line_is_passed_over(cs101, alice, carol, dave, erin):
    with_options(cs101, alice, capacity=1)
    for student in (carol, dave, erin):
        services.subscribe(user=student, course=cs101)
    dave.is_active = False
    dave.save()
    services.unsubscribe(user=carol, course=cs101)
    assert Subscription.objects.get(course=cs101).student == erin
    assert WaitlistEntry.objects.get(course=cs101).student == dave


def test_the_open_pages_recount_the_seats_when_a_subscriber_is_deactivated_or_back(cs101, alice, carol):
    from notifications.live_seats import seats_left as live_seats
    from notifications.models import Event

    with_options(cs101, alice, capacity=2)
    services.subscribe(user=carol, course=cs101)
    told = Event.objects.filter(course=cs101, payload__object="seats").order_by("-id")
    so_far = told.count()

    carol.is_active = False
    carol.save()
    assert told.count() == so_far + 1
    assert "<strong>2</strong> of 2 seats left" in live_seats(told.first())[0]["html"]
    carol.is_active = True
    carol.save()
    assert told.count() == so_far + 2
    assert "<strong>1</strong> of 2 seats left" in live_seats(told.first())[0]["html"]
    carol.first_name = "Caroline"
    carol.save()  # nothing a seat depends on
    assert told.count() == so_far + 2


def test_a_waiting_student_leaves_the_line(cs101, alice, carol, dave, erin):
    with_options(cs101, alice, capacity=1)
    services.subscribe(user=carol, course=cs101)
    services.subscribe(user=dave, course=cs101)
    services.subscribe(user=erin, course=cs101)
    assert services.unsubscribe(user=dave, course=cs101)
    assert list(WaitlistEntry.objects.values_list("student__username", flat=True)) == ["erin"]
    assert WaitlistEntry.objects.get().position == 1
    assert not services.unsubscribe(user=dave, course=cs101)  # nothing left to leave


def test_raising_or_removing_the_capacity_seats_the_line_in_order(cs101, alice, carol, dave, erin):
    with_options(cs101, alice, capacity=1)
    for student in (carol, dave, erin):
        services.subscribe(user=student, course=cs101)
    with_options(cs101, alice, capacity=2)
    assert set(Subscription.objects.values_list("student__username", flat=True)) == {"carol", "dave"}
    with_options(cs101, alice, capacity=None)
    assert Subscription.objects.count() == 3 and not WaitlistEntry.objects.exists()


def test_lowering_the_capacity_removes_nobody(cs101, alice, carol, dave, erin):
    with_options(cs101, alice, capacity=3)
    for student in (carol, dave, erin):
        services.subscribe(user=student, course=cs101)
    with_options(cs101, alice, capacity=1)
    assert Subscription.objects.count() == 3
    services.unsubscribe(user=carol, course=cs101)
    # Still over the new capacity: the next one waits.
    other = services.subscribe(user=carol, course=cs101)[0]
    assert isinstance(other, WaitlistEntry)


def test_the_key_and_dates_are_not_asked_of_someone_already_in(cs101, alice, carol, carol_in_cs101):
    with_options(cs101, alice, key="k", enrolment_closes_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.subscribe(user=carol, course=cs101) == (carol_in_cs101, False)
