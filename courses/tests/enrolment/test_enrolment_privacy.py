"""What enrolment options hold about a person, in their export and their erasure
(courses/privacy.py): places in line and invitations to their address."""

import pytest

from accounts.privacy.erasure import erase
from accounts.privacy.registry import EXPORT_SECTIONS, discover
from courses import services
from courses.models import Invitation, WaitlistEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def dave_waiting_and_invited(cs101, ma201, alice, bob, carol, dave):
    cs101.capacity = 1
    services.save_course(course=cs101, by=alice)
    services.subscribe(user=carol, course=cs101)
    services.subscribe(user=dave, course=cs101)
    services.invite(course=ma201, email="DAVE@example.edu", by=bob)
    services.invite(course=ma201, email="someone@example.edu", by=bob)


def test_the_export_lists_places_in_line_and_invitations_to_the_address(dave, dave_waiting_and_invited):
    discover()
    assert [(e["course"], e["position"]) for e in EXPORT_SECTIONS["waiting_lists"](dave)] == [("CS101", 1)]
    assert [i["email"] for i in EXPORT_SECTIONS["invitations"](dave)] == ["DAVE@example.edu"]


def test_erasure_removes_them_and_keeps_others_invitations(dave, bob, dave_waiting_and_invited):
    erase(dave)
    assert not WaitlistEntry.objects.exists()
    assert list(Invitation.objects.values_list("email", flat=True)) == ["someone@example.edu"]
    erase(bob)
    assert Invitation.objects.get().invited_by is None
