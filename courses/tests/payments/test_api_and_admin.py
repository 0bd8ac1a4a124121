"""`POST /api/v1/payments/checkout` and `GET /api/v1/payments` (the checkout's PaymentIntent is
created at the Stripe emulator), and the admin: transactions read-only, an instructor's own
courses' sales only, refunds by site admins through Stripe (the emulator)."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Subscription, Transaction
from lms_site.testing.api import client_for, error_of

pytestmark = pytest.mark.django_db


def test_checkout_creates_a_purchase_at_stripe(stripe_keys, carol, paid_cs101):
    response = client_for(carol).post("/api/v1/payments/checkout", {"course": "CS101"}, format="json")
    assert response.status_code == 201
    body = response.json()
    purchase = Transaction.objects.get()
    assert body == {"id": purchase.gateway_reference, "url": f"http://testserver/payments/{purchase.pk}/pay/",
                    "transaction": purchase.pk}  # fmt: skip
    assert body["id"].startswith("pi_") and purchase.status == "pending"


@pytest.mark.parametrize(
    ("who", "code", "status", "message"),
    [
        ("carol", "MA201", 409, "This course is free: subscribe to it."),
        ("enrolled", "CS101", 409, "You already have this course."),
        ("alice", "CS101", 409, "You teach this course."),
        ("carol", "CS999", 404, None),  # alice's draft: hidden, not confirmed
        ("carol", "NOPE", 404, None),
    ],
)
def test_checkout_refusals(stripe_keys, carol, alice, paid_cs101, ma201, draft, who, code, status, message):
    if who == "enrolled":
        Transaction.objects.create(
            user=carol, course=paid_cs101, amount=49, currency="eur", gateway_reference="pi_x", status="succeeded"
        )
        services.subscribe(user=carol, course=paid_cs101)
    user = alice if who == "alice" else carol
    error = error_of(client_for(user).post("/api/v1/payments/checkout", {"course": code}, format="json"))
    assert error["status"] == status
    if message:
        assert error["message"] == message


def test_checkout_without_keys_is_409(no_stripe_keys, carol, paid_cs101):
    error = error_of(client_for(carol).post("/api/v1/payments/checkout", {"course": "CS101"}, format="json"))
    assert (error["status"], error["message"]) == (
        409,
        "Payments are not set up on this site, so paid courses cannot be bought at the moment.",
    )


def test_checkout_needs_a_course_and_a_log_in(carol):
    assert error_of(client_for(carol).post("/api/v1/payments/checkout", {}, format="json"))["status"] == 400
    assert error_of(client_for().post("/api/v1/payments/checkout", {"course": "CS101"}, format="json"))["status"] == 401


def test_the_list_is_the_callers_own(carol, dave, paid_cs101):
    Transaction.objects.create(user=carol, course=paid_cs101, amount=49, currency="eur", gateway_reference="pi_c")
    Transaction.objects.create(user=dave, course=paid_cs101, amount=49, currency="eur", gateway_reference="pi_d")
    body = client_for(carol).get("/api/v1/payments").json()
    assert [row["gateway_reference"] for row in body["results"]] == ["pi_c"]
    assert body["results"][0]["course"] == "CS101" and body["results"][0]["amount"] == "49.00"


def test_the_schema_lists_both_endpoints(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert {"/api/v1/payments/checkout", "/api/v1/payments"} <= set(schema["paths"])


@pytest.fixture
def sales(carol, dave, paid_cs101, ma201):
    return (
        Transaction.objects.create(user=carol, course=paid_cs101, amount=49, currency="eur", gateway_reference="pi_a"),
        Transaction.objects.create(user=dave, course=ma201, amount=20, currency="eur", gateway_reference="pi_b"),
    )


def test_an_instructor_sees_only_their_own_courses_sales(client, alice, sales):
    client.force_login(alice)
    listing = client.get(reverse("admin:courses_transaction_changelist")).content.decode()
    assert "pi_a" in listing and "pi_b" not in listing
    assert client.get(reverse("admin:courses_transaction_change", args=[sales[1].pk])).status_code in (302, 403, 404)
    # Read-only, and no refund action for instructors.
    page = client.get(reverse("admin:courses_transaction_change", args=[sales[0].pk])).content.decode()
    assert 'name="_save"' not in page
    assert "Refund the selected" not in listing


def test_nobody_adds_changes_or_deletes_a_transaction_in_the_admin(client, root, sales):
    client.force_login(root)
    assert client.get(reverse("admin:courses_transaction_add")).status_code == 403
    assert client.get(reverse("admin:courses_transaction_delete", args=[sales[0].pk])).status_code == 403
    client.post(reverse("admin:courses_transaction_change", args=[sales[0].pk]), {"status": "refunded"})
    sales[0].refresh_from_db()
    assert sales[0].status == "pending"


def test_a_student_has_no_admin(client, carol, sales):
    client.force_login(carol)
    assert client.get(reverse("admin:courses_transaction_changelist")).status_code == 302


def test_a_site_admin_refunds_through_stripe(stripe_keys, client, root, alice, carol, paid_cs101):
    purchase = services.start_checkout(user=carol, course=paid_cs101)
    setup = stripe_keys.confirm_card_setup(services.card_setup_secret(user=carol))
    services.pay(user=carol, purchase=purchase, setup_intent=setup)
    # The webhook's effect (no daphne here): settled and enrolled.
    purchase.status = Transaction.Status.SUCCEEDED
    purchase.save()
    services.subscribe(user=carol, course=paid_cs101)

    with pytest.raises(Exception, match="Only site administrators"):
        services.refund(purchase=purchase, by=alice)
    client.force_login(root)
    response = client.post(
        reverse("admin:courses_transaction_changelist"),
        {"action": "refund", "_selected_action": [purchase.pk]},
        follow=True,
    )
    assert "Refunded 1 purchase(s); the students were told." in response.content.decode()
    purchase.refresh_from_db()
    assert purchase.status == Transaction.Status.REFUNDED
    refund = Transaction.objects.get(kind=Transaction.Kind.REFUND)
    assert refund.gateway_reference.startswith("re_") and refund.amount == purchase.amount
    assert not Subscription.objects.filter(student=carol, course=paid_cs101).exists()
    # Twice is refused, clearly.
    response = client.post(
        reverse("admin:courses_transaction_changelist"),
        {"action": "refund", "_selected_action": [purchase.pk]},
        follow=True,
    )
    assert "Only a settled purchase can be refunded." in response.content.decode()
