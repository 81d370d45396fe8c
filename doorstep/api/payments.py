"""/api/v1/payments: payments with what they paid and their refunds (read), and refunds
created with the office's rules (payments.refunds.refund_create: never more than was paid,
counting refunds in flight; the provider is asked outside the transaction)."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from doorstep.integrations.models import ApiScope
from doorstep.payments.models import Payment, PaymentAllocation, Refund
from doorstep.payments.refunds import refund_create

from .base import ApiView
from .customers import CustomerOut
from .expand import Expandable, expand_parse, expand_prepare, represent
from .fields import ApiModelSerializer, object_name
from .pagination import cursor_page, list_body
from .records import record_or_404, valid_input
from .schema import list_doc, read_doc, write_doc


class AllocationOut(ApiModelSerializer):
    object = object_name("payment_allocation")

    class Meta:
        model = PaymentAllocation
        fields = ["object", "invoice", "amount", "amount_refunded"]


class RefundOut(ApiModelSerializer):
    object = object_name("refund")

    class Meta:
        model = Refund
        fields = [
            "object",
            "id",
            "payment",
            "amount",
            "state",
            "reason",
            "failure_message",
            "refund_application_fee",
            "created_at",
            "completed_at",
        ]


class PaymentOut(ApiModelSerializer):
    prefetch: ClassVar[list[str]] = ["allocations", "refunds"]
    object = object_name("payment")
    customer = Expandable(lambda: CustomerOut)
    allocations = AllocationOut(many=True, read_only=True)
    refunds = RefundOut(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "object",
            "id",
            "customer",
            "amount",
            "currency",
            "method",
            "state",
            "card_brand",
            "card_last4",
            "fee_amount",
            "amount_refunded",
            "failure_message",
            "received_at",
            "allocations",
            "refunds",
            "created_at",
            "updated_at",
        ]


class RefundIn(serializers.Serializer):
    amount = serializers.IntegerField(
        min_value=1, max_value=10**12, help_text="In cents; at most what is left to refund."
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    refund_application_fee = serializers.BooleanField(required=False, default=False)


def payments_of(company: Any) -> Any:
    return Payment.objects.for_company(company)


class PaymentList(ApiView):
    scopes: ClassVar[dict[str, str]] = {"GET": ApiScope.PAYMENTS_READ}

    @list_doc(PaymentOut, "List payments", operation_id="payments_list")
    def get(self, request: Request) -> Response:
        expand = expand_parse(request, PaymentOut)
        page = cursor_page(expand_prepare(payments_of(self.company), PaymentOut, expand), request)
        return Response(
            list_body(page, represent(request, self.company, PaymentOut, page.items, expand))
        )


class PaymentDetail(ApiView):
    scopes: ClassVar[dict[str, str]] = {"GET": ApiScope.PAYMENTS_READ}

    @read_doc(PaymentOut, "Get a payment", operation_id="payments_get")
    def get(self, request: Request, pk: int) -> Response:
        expand = expand_parse(request, PaymentOut)
        payment = record_or_404(expand_prepare(payments_of(self.company), PaymentOut, expand), pk)
        return Response(represent(request, self.company, PaymentOut, [payment], expand)[0])


class PaymentRefunds(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.REFUNDS_WRITE}

    @write_doc(
        RefundOut,
        "Refund all or part of a payment",
        request=RefundIn,
        created=True,
        operation_id="payments_refunds_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        payment = record_or_404(payments_of(self.company), pk)
        data = valid_input(RefundIn, request.data)
        refund = refund_create(
            company=self.company, payment=payment, actor=self.client.actor, **data
        )
        return Response(RefundOut(refund).data, status=status.HTTP_201_CREATED)
