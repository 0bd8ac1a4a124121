"""Stripe not answering, whether it refuses the connection or accepts it and stays silent, fails no
request and records nothing: the buyer is told, with a 503 and Retry-After from the API, and trying
again once Stripe is back works. A silent Stripe is given up after STRIPE_TIMEOUT_SECONDS a try
(the library's own wait is 80 s a try: this test would run into its timeout)."""

import socket

import pytest

from courses.models import StripeCustomer, Transaction
from lms_site.testing.api import client_for, error_of
from lms_site.testing.servers import free_port

pytestmark = pytest.mark.django_db

MESSAGE = "Stripe could not start the payment, and nothing was charged. Please try again in a moment."


@pytest.fixture(params=["refuses", "is silent"])
def stripe_down(request, settings, stripe_keys):
    """Stripe's address: nothing listening there, or a server that accepts and never answers."""
    back = settings.STRIPE_API_BASE
    if request.param == "refuses":
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
        yield back
        return
    with socket.create_server(("127.0.0.1", 0)) as silent:
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{silent.getsockname()[1]}"
        settings.STRIPE_TIMEOUT_SECONDS = 0.5
        yield back


def test_checkout_answers_503_records_nothing_and_works_once_stripe_is_back(settings, stripe_down, carol, paid_cs101):
    response = client_for(carol).post("/api/v1/payments/checkout", {"course": "CS101"}, format="json")
    error = error_of(response)
    assert (error["status"], error["code"], error["message"]) == (503, "payments_unavailable", MESSAGE)
    assert response["Retry-After"] == "30"
    assert not Transaction.objects.exists() and not StripeCustomer.objects.exists()

    settings.STRIPE_API_BASE = stripe_down
    response = client_for(carol).post("/api/v1/payments/checkout", {"course": "CS101"}, format="json")
    assert response.status_code == 201
    assert Transaction.objects.get().gateway_reference == response.json()["id"]


def test_the_pages_say_so_and_send_the_buyer_back(settings, client, stripe_down, carol, paid_cs101):
    client.force_login(carol)
    told = told_at(client.post("/courses/CS101/buy/", follow=True))
    assert told == ("/courses/CS101/", MESSAGE)
    assert not Transaction.objects.exists()

    pending = Transaction.objects.create(
        user=carol, course=paid_cs101, amount=paid_cs101.price, currency="eur", gateway_reference="pi_waiting"
    )
    assert told_at(client.get(f"/payments/{pending.pk}/pay/", follow=True)) == ("/courses/CS101/", MESSAGE)

    settings.STRIPE_PLAN_ID = "plan_monthly"
    assert told_at(client.get("/payments/plan/", follow=True)) == ("/payments/", MESSAGE)


def told_at(response) -> tuple[str, str]:
    """Where a redirected page landed, and the one message it showed there."""
    assert response.status_code == 200 and len(response.redirect_chain) == 1, response.redirect_chain
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1 and shown[0] in response.content.decode(), shown
    return response.redirect_chain[0][0], shown[0]
