"""Payments: start a purchase (`POST /payments/checkout`) and list your own transactions
(`GET /payments`). The purchase is paid on its page (`url`), where Stripe's card field runs: an
API client opens it in a browser, as Stripe's own Checkout would be opened."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms_site.api_errors import Conflict, ErrorSerializer, PaymentsUnavailable

from .. import selectors, services
from ..models import Transaction
from ..selectors import payments as payment_selectors
from .pagination import Pages
from .shared import absolute


class CheckoutRequestSerializer(serializers.Serializer):
    course = serializers.CharField(max_length=20, help_text="The course's code.")


class CheckoutSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Stripe's PaymentIntent id of this purchase.")
    url = serializers.URLField(help_text="The page where the buyer pays (Stripe's card field).")
    transaction = serializers.IntegerField(help_text="The purchase's transaction id.")


class TransactionSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="course.code", allow_null=True, read_only=True)
    receipt_url = serializers.SerializerMethodField()

    class Meta:
        model = Transaction
        fields = (
            "id",
            "kind",
            "status",
            "course",
            "amount",
            "currency",
            "gateway_reference",
            "created_at",
            "settled_at",
            "refunded_at",
            "receipt_url",
        )
        read_only_fields = fields

    def get_receipt_url(self, row: Transaction) -> str:
        return absolute(self.context.get("request"), row.get_absolute_url())


@extend_schema(tags=["payments"])
class CheckoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CheckoutRequestSerializer,
        responses={
            201: OpenApiResponse(CheckoutSerializer, description="A purchase waiting for payment."),
            400: OpenApiResponse(ErrorSerializer, description="No course code given."),
            404: OpenApiResponse(ErrorSerializer, description="No such course (or hidden from you)."),
            409: OpenApiResponse(
                ErrorSerializer,
                description="Free, already yours, yours to teach, not open, or payments are not set up.",
            ),
            503: OpenApiResponse(ErrorSerializer, description="Stripe did not answer: nothing was charged, try again."),
        },
    )
    def post(self, request):
        given = CheckoutRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        course = selectors.get_course_for_user(request.user, given.validated_data["course"])
        try:
            purchase = services.start_checkout(user=request.user, course=course)
        except services.StripeUnavailable as unavailable:
            raise PaymentsUnavailable(" ".join(unavailable.messages)) from unavailable
        except DjangoValidationError as refused:
            raise Conflict(" ".join(refused.messages)) from refused
        url = absolute(request, reverse("courses:pay", args=[purchase.pk]))
        return Response(
            {"id": purchase.gateway_reference, "url": url, "transaction": purchase.pk}, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["payments"])
class TransactionListView(generics.ListAPIView):
    """Your own purchases, refunds and plan payments, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = TransactionSerializer
    pagination_class = Pages

    def get_queryset(self):
        return payment_selectors.user_transactions(self.request.user)
