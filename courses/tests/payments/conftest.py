"""Fixtures of the payment tests: a real Stripe emulator (localstripe) for the session, a daphne
that talks to it, and paid courses.

Which calls run where, in every test here: calls of the `stripe` library (customers, Setup and
PaymentIntents, refunds, plans, subscriptions) run against localstripe; webhooks come from
localstripe itself (payment_intent.*, customer.subscription.deleted) or, for the events it does
not send (charge.refunded, payment_intent.canceled) and for forgeries, duplicates and replays, are
posted by the test at the HTTP boundary, signed exactly as Stripe signs them
(lms_site.testing.stripe.signature) and checked by the library's construct_event."""

from decimal import Decimal

import pytest


@pytest.fixture(scope="session")
def localstripe():
    from lms_site.testing.stripe import LocalStripeServer

    server = LocalStripeServer().start()
    yield server
    server.stop()


@pytest.fixture
def stripe_keys(settings, localstripe):
    """The test process uses the emulator (the services' calls to Stripe)."""
    for name, value in localstripe.env.items():
        setattr(settings, name, value)
    settings.STRIPE_JS_URL = f"{localstripe.url}/js.stripe.com/v3/"
    return localstripe


@pytest.fixture
def no_stripe_keys(settings):
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PLAN_ID"):
        setattr(settings, name, "")


@pytest.fixture(scope="session")
def stripe_daphne(django_db_setup, django_db_blocker, redis_server, localstripe):
    """A real daphne with the emulator's keys: pages, the webhook and the socket."""
    from django.db import connection

    from lms_site.testing.servers import DaphneServer, database_url

    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    server = DaphneServer(database_url=url, redis_url=redis_server.url, extra_env=localstripe.env).start()
    yield server
    server.stop()


@pytest.fixture
def webhooks_to(localstripe):
    """Have localstripe send its webhooks to a daphne for this test only (afterwards, to nobody)."""
    names = []

    def send_to(server, name="daphne"):
        localstripe.register_webhook(name, f"{server.url}/payments/stripe/webhook/")
        names.append(name)

    yield send_to
    for name in names:
        localstripe.register_webhook(name, "http://127.0.0.1:9/", events=["no.such.event"])


@pytest.fixture
def paid_cs101(cs101):
    cs101.price, cs101.currency = Decimal("49.00"), "eur"
    cs101.save()
    return cs101


@pytest.fixture
def plan_id(settings, stripe_keys):
    """A monthly plan created at the emulator, as an operator creates it in Stripe's dashboard."""
    from courses.payments_gateway import _client

    client = _client()
    product = client.v1.products.create({"name": "All access"})
    plan = client.v1.plans.create({"amount": 1500, "currency": "eur", "interval": "month", "product": product.id})
    settings.STRIPE_PLAN_ID = plan.id
    return plan.id
