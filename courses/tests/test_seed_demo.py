import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from courses.models import Announcement, Course, Resource, Subscription

pytestmark = pytest.mark.django_db
User = get_user_model()


def seed(capsys, *args) -> str:
    call_command("seed_demo", *args)
    return capsys.readouterr().out


def test_it_builds_a_usable_demo_and_prints_the_logins(capsys):
    out = seed(capsys, "--students", "5")
    assert {"admin", "alice", "bob", "student"} <= set(User.objects.values_list("username", flat=True))
    assert User.objects.get(username="alice").groups.filter(name="Instructors").exists()
    assert Course.objects.filter(is_published=True).count() == 4
    assert Resource.objects.count() == 12
    assert Announcement.objects.site_wide().count() == 1
    assert "alice    / demo-alice-pass" in out
    assert "students       [##############################] 5/5" in out


def test_running_it_twice_changes_nothing(capsys):
    seed(capsys, "--students", "5")
    counts = (User.objects.count(), Course.objects.count(), Resource.objects.count(), Subscription.objects.count())
    seed(capsys, "--students", "5")
    assert counts == (
        User.objects.count(),
        Course.objects.count(),
        Resource.objects.count(),
        Subscription.objects.count(),
    )


def test_once_does_nothing_when_the_demo_exists(capsys):
    seed(capsys, "--students", "0")
    out = seed(capsys, "--once", "--students", "50")
    assert "already present" in out
    assert not User.objects.filter(username__startswith="student0").exists()


def test_it_builds_benchmark_sizes_in_bulk(capsys, django_assert_max_num_queries):
    seed(capsys, "--students", "0")  # the demo alone: made row by row through the services, a fixed cost
    with django_assert_max_num_queries(150):
        seed(capsys, "--students", "300", "--courses", "40", "--resources", "500", "--subscriptions-per-student", "2")
    assert User.objects.filter(username__startswith="student0").count() == 300
    assert Course.objects.filter(code__startswith="GEN").count() == 40
    assert Resource.objects.filter(title__startswith="Reading ").count() == 500
    assert Subscription.objects.filter(student__username__startswith="student0").count() == 600


def test_a_terms_learning_history_is_consistent_and_funnel_shaped(capsys):
    from courses import services
    from courses.models import ActiveWeek, Answer, Attempt, CourseCompletion, Lesson, LessonProgress, Submission, Thread
    from courses.services.publishing import publish_problems

    args = ["--students", "60", "--courses", "4", "--lessons-per-course", "20", "--progress", "700"]
    seed(capsys, *args, "--subscriptions-per-student", "2")
    generated = Lesson.objects.filter(module__course__code__startswith="GEN")
    assert generated.count() == 80
    assert {kind: generated.filter(kind=kind).count() for kind in ("quiz", "assignment", "text")} == {
        "quiz": 8,
        "assignment": 8,
        "text": 64,
    }
    assert all(not publish_problems(lesson) for lesson in generated.filter(kind__in=["quiz", "assignment"]))
    assert LessonProgress.objects.count() == 700
    # every completed quiz lesson has one graded attempt whose answers grade as recorded, every
    # completed assignment lesson a submission, every finished course its completion
    done = LessonProgress.objects.filter(completed_at__isnull=False)
    assert Attempt.objects.count() == done.filter(lesson__kind="quiz").count() > 0
    assert Submission.objects.count() == done.filter(lesson__kind="assignment").count() > 0
    for answer in Answer.objects.select_related("question"):
        assert answer.question.is_correct(answer.response) == answer.is_correct
    for completion in CourseCompletion.objects.all():
        lessons = generated.filter(module__course=completion.course_id)
        assert done.filter(student=completion.student_id, lesson__in=lessons).count() == 20
    # a funnel: more students reach the first lesson than the last
    reached = {title: LessonProgress.objects.filter(lesson__title=title).count() for title in ("Lesson 1", "Lesson 20")}
    assert reached["Lesson 1"] > reached["Lesson 20"]
    assert Thread.objects.filter(course__code__startswith="GEN").count() == 16
    seeded_weeks = set(ActiveWeek.objects.values_list("student_id", "course_id", "week"))
    assert seeded_weeks  # the analytics rollup follows the bulk rows...
    services.rebuild_analytics()
    assert set(ActiveWeek.objects.values_list("student_id", "course_id", "week")) == seeded_weeks  # ...all of them
    counts = (LessonProgress.objects.count(), Thread.objects.count(), Lesson.objects.count())
    seed(capsys, *args, "--subscriptions-per-student", "2")
    assert counts == (LessonProgress.objects.count(), Thread.objects.count(), Lesson.objects.count())


def test_demo_staff_have_a_known_authenticator_secret_printed(capsys):
    from base64 import b32encode

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import services

    out = seed(capsys, "--students", "0")
    alice = User.objects.get(username="alice")
    device = TOTPDevice.objects.get(user=alice, confirmed=True)
    secret = b32encode(device.bin_key).decode()
    assert f"alice    TOTP secret {secret}" in out
    assert services.verify_code(alice, f"{totp(device.bin_key):06d}") == device
    assert not services.has_second_factor(User.objects.get(username="student"))
