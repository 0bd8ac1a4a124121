"""Receipts (by mail through the real worker and SMTP server, and the receipt page), the pages'
permissions and words, the list's pinned queries, and what the page says without Stripe keys."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from courses.models import Transaction
from lms_site.testing.mail import SmtpSink
from lms_site.testing.servers import WorkerServer, database_url, eventually
from lms_site.testing.stripe import WEBHOOK_SECRET, event_payload, signature


def purchase_of(user, course, status="pending", reference="pi_1") -> Transaction:
    return Transaction.objects.create(
        user=user,
        course=course,
        amount=course.price,
        currency=course.currency,
        gateway_reference=reference,
        status=status,
    )


@pytest.mark.django_db(transaction=True)
def test_the_receipt_is_mailed_by_the_worker(settings, carol, paid_cs101):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    smtp = SmtpSink().start()
    env = {**smtp.env, "SITE_URL": "http://lms.example.edu"}
    worker = WorkerServer(database_url=database_url(connection.settings_dict), extra_env=env).start()
    try:
        purchase = purchase_of(carol, paid_cs101)
        payload = event_payload("evt_1", "payment_intent.succeeded", {"id": "pi_1"})
        Client().post(
            "/payments/stripe/webhook/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature(payload),
        )
        [mail] = eventually(lambda: smtp.to("carol@example.edu"), timeout=20)
    finally:
        worker.stop()
        smtp.stop()
    assert mail["Subject"] == "Receipt: CS101 paid (CS101)"
    text = mail.get_body(("plain",)).get_content()
    assert "You paid 49.00 EUR for Introduction to Programming." in text
    assert f"http://lms.example.edu/payments/{purchase.pk}/receipt/" in text


@pytest.mark.django_db
def test_a_receipt_is_its_buyers_and_the_site_admins_only(client, carol, dave, root, alice, paid_cs101):
    purchase = purchase_of(carol, paid_cs101, status="succeeded")
    for user, status in [(carol, 200), (root, 200), (dave, 404), (alice, 404)]:
        client.force_login(user)
        assert client.get(f"/payments/{purchase.pk}/receipt/").status_code == status, user
    client.force_login(carol)
    page = client.get(f"/payments/{purchase.pk}/receipt/").content.decode()
    assert "49.00 EUR" in page and "pi_1" in page and "Introduction to Programming" in page
    # The buyer's other pages of the purchase are hers alone too.
    client.force_login(dave)
    assert client.get(f"/payments/{purchase.pk}/return/").status_code == 404
    assert client.get(f"/payments/{purchase.pk}/pay/").status_code == 404
    assert client.post(f"/payments/{purchase.pk}/confirm/", "{}", content_type="application/json").status_code == 404


@pytest.mark.django_db
def test_the_return_page_says_enrolled_at_once_when_the_webhook_came_first(client, carol, paid_cs101):
    from courses.services import subscribe

    purchase = purchase_of(carol, paid_cs101, status="succeeded")
    subscribe(user=carol, course=paid_cs101)
    client.force_login(carol)
    page = client.get(f"/payments/{purchase.pk}/return/").content.decode()
    assert "You are enrolled in CS101" in page and 'data-live="payment-status-' in page


@pytest.mark.django_db
def test_without_keys_the_course_page_says_it_cannot_be_bought(client, no_stripe_keys, carol, paid_cs101):
    client.force_login(carol)
    page = client.get("/courses/CS101/").content.decode()
    assert "Price: <strong>49.00 EUR</strong>" in page
    assert "Payments are not set up on this site, so it cannot be bought at the moment." in page
    assert "Buy for" not in page
    assert "cannot be bought at the moment" in client.get("/courses/CS101/buy/").content.decode()
    response = client.post("/courses/CS101/buy/", follow=True)
    assert "Payments are not set up on this site" in response.content.decode()
    assert not Transaction.objects.exists()


@pytest.mark.django_db
def test_a_free_course_shows_no_price(client, carol, cs101):
    client.force_login(carol)
    page = client.get("/courses/CS101/").content.decode()
    assert "Price" not in page and ">Subscribe</button>" in page


@pytest.mark.django_db
def test_payments_list_queries_do_not_grow(client, carol, paid_cs101, ma201, django_assert_num_queries):
    ma201.price, ma201.currency = Decimal("20.00"), "usd"
    ma201.save()
    purchase_of(carol, paid_cs101, status="succeeded")
    client.force_login(carol)
    client.get("/payments/")  # warm the session
    # Session and user, the plan, the transactions with their courses; four for the page's
    # unread badge and feed (the context processor, as on every page).
    with django_assert_num_queries(8):
        page = client.get("/payments/").content.decode()
    for number in range(2, 12):
        purchase_of(carol, ma201, status="failed", reference=f"pi_{number}")
    with django_assert_num_queries(8):
        page = client.get("/payments/").content.decode()
    assert len(re.findall(r"<tr>", page)) == 12  # the header and 11 rows
    assert "20.00 USD" in page and "49.00 EUR" in page


@pytest.mark.django_db
def test_the_list_shows_only_the_users_own(client, carol, dave, paid_cs101):
    purchase_of(dave, paid_cs101, reference="pi_dave")
    client.force_login(carol)
    assert "pi_dave" not in client.get("/payments/").content.decode()
    assert "No payments yet." in client.get("/payments/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"setup_intent": 7}', b'{"setup_intent": "pm_123"}', b'{"setup_intent": "seti_nope"}'],
)
def test_paying_with_bad_input_is_a_clear_400(client, stripe_keys, carol, paid_cs101, body):
    from courses.services import start_checkout

    purchase = start_checkout(user=carol, course=paid_cs101)
    client.force_login(carol)
    response = client.post(f"/payments/{purchase.pk}/confirm/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]
    purchase.refresh_from_db()
    assert purchase.status == "pending"


@pytest.mark.django_db
def test_anonymous_visitors_see_the_price_too(client, paid_cs101):
    page = client.get("/courses/CS101/").content.decode()
    assert "Price: <strong>49.00 EUR</strong>" in page and "Log in to subscribe" in page


@pytest.mark.django_db
def test_the_catalog_card_shows_a_paid_courses_price_and_no_price_for_a_free_one(client, paid_cs101, ma201):
    page = client.get("/courses/").content.decode()
    cards = page.split('<li class="card course-card">')[1:]
    card = {code: next(card for card in cards if f'"course-code">{code}' in card) for code in ("CS101", "MA201")}
    assert '<span class="price">49.00 EUR</span>' in card["CS101"]
    assert 'class="price"' not in card["MA201"]
