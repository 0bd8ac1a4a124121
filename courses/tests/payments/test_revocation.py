"""A refund (Stripe's `charge.refunded`) and the end of the all-access plan
(`customer.subscription.deleted`) close the course everywhere: its pages, its files, the API and
the student's open socket. The webhooks are posted at the HTTP boundary, signed as Stripe signs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from courses import services
from courses.models import AllAccessPass, Resource, Transaction
from lms_site.testing import content as w
from lms_site.testing.api import client_for
from lms_site.testing.events import ids_on, newest_id
from lms_site.testing.sockets import SocketClient
from lms_site.testing.stripe import WEBHOOK_SECRET, event_payload, signature

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


def bought(user, course) -> Transaction:
    purchase = Transaction.objects.create(
        user=user, course=course, amount=course.price, currency=course.currency, gateway_reference=f"pi_{user.pk}"
    )
    purchase.status = Transaction.Status.SUCCEEDED
    purchase.save()
    services.subscribe(user=user, course=course)
    return purchase


def webhook(event_type: str, obj: dict, event_id: str):
    payload = event_payload(event_id, event_type, obj)
    response = Client().post(
        "/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature(payload),
    )
    assert response.status_code == 200


def refunded(purchase):
    charge = {
        "id": "ch_1",
        "payment_intent": purchase.gateway_reference,
        "amount_refunded": 4900,
        "refunds": {"data": []},
    }
    webhook("charge.refunded", charge, "evt_refund")


def plan_ended(plan):
    webhook("customer.subscription.deleted", {"id": plan.subscription_id, "status": "canceled"}, "evt_plan")


def by_plan(user, course):
    plan = AllAccessPass.objects.create(user=user, subscription_id="sub_1")
    services.subscribe(user=user, course=course)
    return plan


@pytest.mark.parametrize(("gain", "lose"), [(bought, refunded), (by_plan, plan_ended)], ids=["refund", "plan-end"])
def test_access_ends_on_pages_files_api_and_socket(media, daphne, carol, alice, paid_cs101, gain, lose):
    lesson = w.lesson(w.module(paid_cs101))
    upload = SimpleUploadedFile("notes.txt", b"course notes")
    resource = Resource.objects.create(course=paid_cs101, title="Notes", file=upload)
    page, api = Client(), client_for(carol)
    page.force_login(carol)
    urls = {
        "lesson": f"/courses/CS101/lessons/{lesson.pk}/",
        "file": f"/courses/CS101/resources/{resource.pk}/",
        "api": "/api/v1/courses/CS101/lessons",
    }
    holding = gain(carol, paid_cs101)
    assert page.get(urls["lesson"]).status_code == 200
    assert page.get(urls["file"]).status_code == 200
    assert api.get(urls["api"]).status_code == 200
    start = newest_id()
    socket = SocketClient.of(daphne, carol, after=start)
    socket.until_heartbeat()
    services.add_resource(course=paid_cs101, title="While entitled", body="Text")
    socket.until_event(max(ids_on("course:CS101", start)))

    lose(holding)

    assert page.get(urls["lesson"]).status_code == 403  # "Subscribe to see this lesson", never the content
    assert page.get(urls["file"]).status_code == 404
    assert api.get(urls["api"]).status_code in (403, 404)
    services.add_resource(course=paid_cs101, title="After the end", body="Text")
    after = max(ids_on("course:CS101", start))
    told = max(ids_on(f"user:{carol.pk}", start))  # "refunded" / "plan ended", on her own topic
    socket.until_event(told)
    socket.until_heartbeat()
    socket.until_heartbeat()
    assert after not in socket.ids
    socket.close()
    # And she cannot simply join again.
    assert page.post("/courses/CS101/subscribe/").status_code == 302
    assert not paid_cs101.subscriptions.filter(student=carol).exists()
