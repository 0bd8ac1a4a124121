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
