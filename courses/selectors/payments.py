"""Reads of payments that carry permission: a purchase or receipt is its buyer's (a site admin may
read any receipt); anyone else gets a 404, so ids are not confirmed."""

from django.http import Http404

from ..models import AllAccessPass, Transaction
from ..permissions import is_site_admin


def own_purchase(user, pk: int) -> Transaction:
    purchase = (
        Transaction.objects.select_related("course").filter(pk=pk, user=user, kind=Transaction.Kind.PURCHASE).first()
    )
    if purchase is None:
        raise Http404("No such payment.")
    return purchase


def receipt(user, pk: int) -> Transaction:
    rows = Transaction.objects.select_related("course", "user").filter(pk=pk)
    if not is_site_admin(user):
        rows = rows.filter(user=user)
    found = rows.first()
    if found is None:
        raise Http404("No such payment.")
    return found


def user_transactions(user):
    """The user's own transactions, newest first, with their courses (one query)."""
    return Transaction.objects.filter(user=user).select_related("course")


def plan_of(user) -> AllAccessPass | None:
    return AllAccessPass.objects.filter(user=user).first()
