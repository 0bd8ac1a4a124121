"""One Stripe event delivered to two daphne processes at the same moment (Stripe retries, or two
endpoints behind a load balancer): one enrolment, one settled transaction, one receipt. The
payload is signed exactly as Stripe signs it and posted at the HTTP boundary by two threads
released together; the purchases are rows (no Stripe server is needed to deliver an event).
Run on SQLite and on PostgreSQL (DATABASE_URL), where the unique event id and the row lock are
what keep the second delivery from doing anything."""

import threading

import pytest
import requests
from django.db import connection

from courses.models import StripeEvent, Subscription, Transaction
from lms_site.testing.servers import DaphneServer, database_url
from lms_site.testing.stripe import WEBHOOK_SECRET, event_payload, signature
from notifications.models import Event

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


@pytest.fixture
def two_daphnes(redis_server):
    env = {"STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}
    url = database_url(connection.settings_dict)
    servers = [DaphneServer(database_url=url, redis_url=redis_server.url, extra_env=env).start() for _ in range(2)]
    for server in servers:  # warm: the first request of a process imports the whole site
        requests.get(f"{server.url}/healthz", timeout=30)
    yield servers
    for server in servers:
        server.stop()


def deliver_at_once(servers, payload: bytes) -> list[bytes]:
    barrier = threading.Barrier(len(servers))
    answers: list = [None] * len(servers)
    headers = {"Content-Type": "application/json", "Stripe-Signature": signature(payload)}

    def post(index, server):
        barrier.wait()
        response = requests.post(f"{server.url}/payments/stripe/webhook/", data=payload, headers=headers, timeout=30)
        answers[index] = (response.status_code, response.content)

    threads = [threading.Thread(target=post, args=(i, server)) for i, server in enumerate(servers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_a_duplicate_at_two_processes_enrols_once(two_daphnes, django_user_model, paid_cs101):
    for round_ in range(ROUNDS):
        buyer = django_user_model.objects.create_user(username=f"buyer{round_}", email=f"b{round_}@example.edu")
        Transaction.objects.create(
            user=buyer, course=paid_cs101, amount=paid_cs101.price, currency="eur", gateway_reference=f"pi_{round_}"
        )
        payload = event_payload(f"evt_{round_}", "payment_intent.succeeded", {"id": f"pi_{round_}"})
        answers = deliver_at_once(two_daphnes, payload)
        assert sorted(answers) == [(200, b"duplicate"), (200, b"payment_intent.succeeded")]
        assert Subscription.objects.filter(student=buyer, course=paid_cs101).count() == 1
        assert Transaction.objects.filter(user=buyer, status=Transaction.Status.SUCCEEDED).count() == 1
        assert Event.objects.filter(kind=Event.Kind.PAYMENT, topic=f"user:{buyer.pk}").count() == 1
    assert StripeEvent.objects.count() == ROUNDS
