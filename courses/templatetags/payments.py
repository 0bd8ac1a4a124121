"""`{% course_offer course %}`: a paid course's price and how to get it (buy, or join with the
all-access plan), on its page for a logged-in student who is not in it yet."""

from django import template

from .. import payments_gateway as gateway
from ..permissions import has_paid_access

register = template.Library()


@register.inclusion_tag("courses/payments/_offer.html", takes_context=True)
def course_offer(context, course):
    user = context["user"]
    return {
        "course": course,
        "entitled": has_paid_access(user, course),
        "available": gateway.configured(),
        "plan_offered": gateway.plan_configured(),
        "csrf_token": context.get("csrf_token"),
    }
