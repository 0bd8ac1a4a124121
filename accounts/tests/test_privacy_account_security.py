"""The account-security tables are part of a person's data too: their instructor requests, where they
are logged in, their second factors and the failed log-ins against their account are in their export
(never a secret) and gone after their erasure."""

import io
import json
import zipfile

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from django_otp import devices_for_user

from accounts import services
from accounts.models import InstructorRequest, UserSession
from accounts.privacy import erasure
from accounts.privacy.export import write_export
from lms_site.testing import privacy

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol_with_security_data(client, carol):
    services.request_instructor_access(user=carol, reason="I would like to teach chemistry.")
    client.post("/accounts/login/", {"username": "carol", "password": "a-wrong-password"})
    client.post("/accounts/login/", {"username": "carol", "password": "pw-carolcarol"})
    services.confirm_totp(services.start_totp(carol), "000000")  # left unconfirmed: a wrong code
    return carol


def exported(user) -> dict:
    stream = io.BytesIO()
    write_export(user, stream, site="test", when=timezone.now())
    with zipfile.ZipFile(stream) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist() if name.endswith(".json")}


def test_the_export_holds_requests_sessions_factors_and_failed_log_ins(carol_with_security_data):
    files = exported(carol_with_security_data)
    assert [r["reason"] for r in files["instructor_requests.json"]] == ["I would like to teach chemistry."]
    assert len(files["sessions.json"]) == 1 and "session_key" not in files["sessions.json"][0]
    assert [f["kind"] for f in files["second_factors.json"]] == ["TOTPDevice"]
    assert "key" not in files["second_factors.json"][0]
    assert [a["failures"] for a in files["failed_log_ins.json"]] == [1]


def test_erasure_removes_them_all(carol_with_security_data):
    carol = carol_with_security_data
    email = carol.email
    assert UserSession.objects.filter(user=carol).exists() and AccessAttempt.objects.filter(username="carol").exists()
    erasure.erase(carol)
    assert not InstructorRequest.objects.filter(user=carol).exists()
    assert not UserSession.objects.filter(user=carol).exists()
    assert list(devices_for_user(carol, confirmed=None)) == []
    assert not AccessAttempt.objects.filter(username="carol").exists()
    assert privacy.rows_containing(email) == []
    assert privacy.rows_containing("chemistry") == []
