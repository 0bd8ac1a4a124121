"""A student buys a course in Chromium: the course page's "Buy", the pay page with Stripe's card
field (localstripe's stand-in for Stripe.js, which posts the card to the emulator as Stripe.js
posts it to Stripe), the return page that says "waiting", then "enrolled" without a reload when
the emulator's signed webhook lands (held by a relay until the page is open, so the change is
seen live, through the existing socket), and the course opens. The card number never reaches
our server: not in any request the page sends us, not in any table, not in daphne's log."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from courses.models import Subscription, Transaction
from lms_site.testing.browser import login_page
from lms_site.testing.stripe import TEST_CARD, WebhookRelay

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def relay(localstripe, stripe_daphne):
    relay = WebhookRelay(f"{stripe_daphne.url}/payments/stripe/webhook/")
    localstripe.register_webhook("relay", relay.url)
    yield relay
    localstripe.register_webhook("relay", "http://127.0.0.1:9/", events=["no.such.event"])
    relay.stop()


def ours_only(violations: list[dict]) -> list[dict]:
    """The card field is Stripe's (its iframe in production; the emulator's stand-in inputs here),
    not our page's markup: what axe finds only inside it is not ours to fix."""
    return [v for v in violations if not all(n["target"][0].startswith("#card-element") for n in v["nodes"])]


def texts_of_every_table() -> str:
    """Every value of every table of the database, as text."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  (names from the database itself)
            found += [str(value) for row in cursor.fetchall() for value in row]
    return "\n".join(found)


def test_a_student_buys_a_course_and_sees_enrolled_live(
    browser, stripe_daphne, localstripe, relay, axe, carol, paid_cs101
):
    page = login_page(browser, stripe_daphne, carol)
    ours, to_stripe = [], []
    page.on(
        "request",
        lambda request: (ours if request.url.startswith(stripe_daphne.url) else to_stripe).append(
            f"{request.url} {request.post_data or ''}"
        ),
    )

    page.goto(f"{stripe_daphne.url}/courses/CS101/")
    page.get_by_role("link", name="Buy for 49.00 EUR").click()
    expect(page.get_by_role("heading", name="Buy CS101: Introduction to Programming")).to_be_visible()
    assert axe(page) == []
    page.get_by_role("button", name="Continue to payment").click()

    expect(page.get_by_role("heading", name=re.compile("Pay for CS101"))).to_be_visible()
    card = page.locator("#card-element")
    expect(page.get_by_role("button", name="Pay now")).to_be_enabled()  # Stripe.js has mounted its field
    assert ours_only(axe(page)) == []
    card.get_by_placeholder("number").fill(TEST_CARD)
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("34")
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("12345")
    page.get_by_role("button", name="Pay now").click()

    page.wait_for_url(re.compile(r"/payments/\d+/return/$"))
    status = page.locator(".payment-status")
    expect(status).to_contain_text("Waiting for Stripe to confirm your payment")
    assert axe(page) == []
    page.evaluate("window.sameDocument = true")

    relay.release()
    expect(status).to_contain_text("You are enrolled in CS101", timeout=20_000)
    assert page.evaluate("window.sameDocument") is True  # changed in place, not reloaded
    assert relay.forwarded and set(relay.forwarded) == {200}  # customer.created, payment_intent.succeeded

    page.get_by_role("link", name="Open the course").click()
    expect(page.get_by_text("Subscribed")).to_be_visible()
    assert page.goto(f"{stripe_daphne.url}/courses/CS101/learn/").status == 200
    page.goto(f"{stripe_daphne.url}/payments/")
    expect(page.get_by_role("cell", name="49.00 EUR")).to_be_visible()
    assert axe(page) == []
    assert Subscription.objects.filter(student=carol, course=paid_cs101).count() == 1
    assert Transaction.objects.get().status == Transaction.Status.SUCCEEDED

    # The card went to Stripe (the emulator), never to us.
    assert any(TEST_CARD in sent for sent in to_stripe)
    assert not any(TEST_CARD in sent or "4242 4242" in sent for sent in ours)
    assert TEST_CARD not in texts_of_every_table()
    assert TEST_CARD not in stripe_daphne.log()
    page.context.close()


def test_a_card_that_asks_for_3d_secure_is_authenticated_in_stripes_dialog(
    browser, stripe_daphne, webhooks_to, carol, paid_cs101
):
    """4000 0025 0000 3155: Stripe's test card that wants 3-D Secure, when saved and when charged.
    Stripe.js shows the bank's dialog (the emulator's stand-in: "Complete authentication") both
    times; the second time with the PaymentIntent's client secret our server passes back."""
    webhooks_to(stripe_daphne)
    page = login_page(browser, stripe_daphne, carol)
    page.goto(f"{stripe_daphne.url}/courses/CS101/buy/")
    page.get_by_role("button", name="Continue to payment").click()
    card = page.locator("#card-element")
    expect(page.get_by_role("button", name="Pay now")).to_be_enabled()
    for placeholder, value in [("number", "4000002500003155"), ("exp_month", "12"), ("exp_year", "34"), ("cvc", "123")]:
        card.get_by_placeholder(placeholder).fill(value)
    page.get_by_role("button", name="Pay now").click()
    page.get_by_role("button", name="Complete authentication").click()  # saving the card
    page.get_by_role("button", name="Complete authentication").click()  # charging it
    page.wait_for_url(re.compile(r"/payments/\d+/return/$"))
    expect(page.locator(".payment-status")).to_contain_text("You are enrolled in CS101", timeout=20_000)
    assert Subscription.objects.filter(student=carol, course=paid_cs101).count() == 1
    page.context.close()
