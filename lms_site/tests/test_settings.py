"""Configuration comes from the environment; production settings pass Django's deploy checks."""

import re
import subprocess

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lms_site.testing import servers

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 10 + "-a-long-random-production-secret-with-many-characters-0123456789",
    "ALLOWED_HOSTS": "lms.example.edu",
    "EMAIL_HOST": "smtp.example.edu",
}


def manage(*args, **env) -> subprocess.CompletedProcess:
    return servers.manage(*args, unset=PRODUCTION, **env)  # the production variables as each test sets them


def test_check_deploy_passes_with_the_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **(PRODUCTION | {"SECRET_KEY": ""}))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_flags_development_defaults():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="1")
    assert result.returncode != 0
    assert "security.W009" in result.stderr or "security.W018" in result.stderr


@pytest.mark.django_db
def test_the_default_database_is_sqlite_in_wal_mode_with_immediate_transactions():
    from django.db import connection

    if connection.vendor != "sqlite":
        assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


# A switch is one of the documented spellings; anything else (a typo, an empty value) stops the
# start with a message naming the variable, rather than silently meaning "off".
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        (" yes ", True),
        ("On", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off\n", False),
    ],
)
def test_a_switch_reads_every_documented_spelling(monkeypatch, raw, expected):
    from lms_site.settings import env_bool

    monkeypatch.setenv("LMS_SOME_SWITCH", raw)
    assert env_bool("LMS_SOME_SWITCH", not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_an_unset_switch_is_its_default(monkeypatch, default):
    from lms_site.settings import env_bool

    monkeypatch.delenv("LMS_SOME_SWITCH", raising=False)
    assert env_bool("LMS_SOME_SWITCH", default) is default


@pytest.mark.parametrize("raw", ["ture", "", "  ", "2", "y", "enabled", "off-ish"])
def test_a_switch_refuses_any_other_value_naming_the_variable(monkeypatch, raw):
    from lms_site.settings import env_bool

    monkeypatch.setenv("LMS_SOME_SWITCH", raw)
    with pytest.raises(ImproperlyConfigured, match=re.escape(f"LMS_SOME_SWITCH={raw!r}")):
        env_bool("LMS_SOME_SWITCH", True)


@pytest.mark.parametrize(("raw", "expected"), [("25", 25), (" 7 ", 7), ("0", 0), ("-1", -1)])
def test_a_number_reads_a_whole_number(monkeypatch, raw, expected):
    from lms_site.settings import env_int

    monkeypatch.setenv("LMS_SOME_NUMBER", raw)
    assert env_int("LMS_SOME_NUMBER", 3) == expected


def test_an_unset_number_is_its_default(monkeypatch):
    from lms_site.settings import env_int

    monkeypatch.delenv("LMS_SOME_NUMBER", raising=False)
    assert env_int("LMS_SOME_NUMBER", 3) == 3


@pytest.mark.parametrize("raw", ["", "1.5", "25MB", "ten", "1y"])
def test_a_number_refuses_anything_but_a_whole_number_naming_the_variable(monkeypatch, raw):
    from lms_site.settings import env_int

    monkeypatch.setenv("LMS_SOME_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match=re.escape(f"LMS_SOME_NUMBER={raw!r}")):
        env_int("LMS_SOME_NUMBER", 3)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SECURE_COOKIES", "ture"), ("SECURE_HSTS_SECONDS", "1y"), ("ACTIVITY_HEARTBEAT_SECONDS", "25s")],
    ids=["misspelt switch", "not a whole number", "heartbeat not a number"],
)
def test_a_bad_value_stops_the_start_naming_the_variable(variable, value):
    result = manage("check", **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{variable}={value!r}" in result.stderr
    assert "invalid literal" not in result.stderr, "the parser's own ValueError should not be the message"


def test_a_documented_spelling_of_a_switch_still_works():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SESSION_COOKIE_SECURE)",
        SECURE_COOKIES=" Yes ",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


@pytest.mark.parametrize(("raw", "expected"), [("25", 25.0), (" 0.5 ", 0.5)])
def test_a_duration_reads_a_number(monkeypatch, raw, expected):
    from lms_site.settings import env_float

    monkeypatch.setenv("LMS_SOME_DURATION", raw)
    assert env_float("LMS_SOME_DURATION", 3.0) == expected


@pytest.mark.parametrize("raw", ["", "25s", "1,5"])
def test_a_duration_refuses_anything_but_a_number_naming_the_variable(monkeypatch, raw):
    from lms_site.settings import env_float

    monkeypatch.setenv("LMS_SOME_DURATION", raw)
    with pytest.raises(ImproperlyConfigured, match=re.escape(f"LMS_SOME_DURATION={raw!r}")):
        env_float("LMS_SOME_DURATION", 3.0)
