"""Capacity under concurrency: 50 students enrol at the same moment for 10 seats, each in a thread
of its own with its own database connection, all released together by a barrier. The seats are
counted under a lock of the course row (services/enrolment.py): exactly 10 get a seat, the other
40 queue in the order the lock let them through, and a freed seat goes to the first in line.

Run it on PostgreSQL (`DATABASE_URL=postgres://...`), where the transactions really overlap and
`SELECT ... FOR UPDATE` is what keeps the count right; on SQLite IMMEDIATE transactions serialise
the writers and the test holds as well."""

import threading

import pytest
from django.db import connection, connections

from courses import services
from courses.models import Subscription, WaitlistEntry
from notifications.models import Event

pytestmark = pytest.mark.django_db(transaction=True)

STUDENTS = 50
SEATS = 10


@pytest.fixture
def students(django_user_model):
    return [
        django_user_model.objects.create_user(username=f"s{i:02}", email=f"s{i:02}@example.edu", password="x" * 12)
        for i in range(STUDENTS)
    ]


def enrol_all_at_once(course, students) -> dict[int, tuple[str, bool]]:
    barrier = threading.Barrier(len(students))
    outcomes: dict[int, tuple[str, bool]] = {}
    errors: list[BaseException] = []

    def enrol(student):
        try:
            barrier.wait()
            place, created = services.subscribe(user=student, course=course)
            outcomes[student.pk] = (type(place).__name__, created)
        except BaseException as error:  # reported below: a thread's failure must fail the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enrol, args=(student,)) for student in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return outcomes


def test_fifty_students_at_once_for_ten_seats(cs101, alice, students):
    cs101.capacity = SEATS
    services.save_course(course=cs101, by=alice)

    outcomes = enrol_all_at_once(cs101, students)

    print(f"\n{connection.vendor}: {STUDENTS} students enrolled at once for {SEATS} seats")
    assert sorted(outcomes) == sorted(s.pk for s in students)
    assert all(created for _, created in outcomes.values())
    seated = {pk for pk, (kind, _) in outcomes.items() if kind == "Subscription"}
    waiting = {pk for pk, (kind, _) in outcomes.items() if kind == "WaitlistEntry"}
    assert len(seated) == SEATS and len(waiting) == STUDENTS - SEATS
    assert set(Subscription.objects.filter(course=cs101).values_list("student_id", flat=True)) == seated
    line = list(WaitlistEntry.objects.filter(course=cs101))
    assert {entry.student_id for entry in line} == waiting
    # In order: the line is the order the lock let them through, and each one's place is its rank.
    assert [entry.id for entry in line] == sorted(entry.id for entry in line)
    assert [entry.position for entry in line] == list(range(1, STUDENTS - SEATS + 1))

    # One leaves: the first in line gets the seat at once, and is told (a personal event, which the
    # socket and the worker's mail carry: test_waitlist_promotion.py follows it there).
    first, second = line[0].student, line[1].student
    leaver = Subscription.objects.filter(course=cs101).first().student
    services.unsubscribe(user=leaver, course=cs101)
    assert Subscription.objects.filter(course=cs101).count() == SEATS
    promoted = Subscription.objects.get(course=cs101, student=first)
    assert promoted.source == Subscription.Source.WAITLIST
    assert not WaitlistEntry.objects.filter(student=first).exists()
    assert WaitlistEntry.objects.get(student=second).position == 1
    told = Event.objects.filter(topic=f"user:{first.pk}", kind=Event.Kind.SUBSCRIPTION).get()
    assert told.payload["title"] == "A seat opened: you are enrolled in CS101"
    assert told.payload["waitlist"] is True


def test_students_leaving_and_joining_at_once_never_overfill(cs101, alice, students):
    """Ten seated students leave while forty others enrol, all at once: never more than the seats,
    and nobody is left waiting while a seat is free."""
    cs101.capacity = SEATS
    services.save_course(course=cs101, by=alice)
    seated, others = students[:SEATS], students[SEATS:]
    for student in seated:
        services.subscribe(user=student, course=cs101)
    barrier = threading.Barrier(STUDENTS)
    errors = []

    def act(student, leaving):
        try:
            barrier.wait()
            if leaving:
                services.unsubscribe(user=student, course=cs101)
            else:
                services.subscribe(user=student, course=cs101)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(s, True)) for s in seated]
    threads += [threading.Thread(target=act, args=(s, False)) for s in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Subscription.objects.filter(course=cs101).count() == SEATS
    assert WaitlistEntry.objects.filter(course=cs101).count() == len(others) - SEATS
    assert not Subscription.objects.filter(course=cs101, student__in=seated).exists()
