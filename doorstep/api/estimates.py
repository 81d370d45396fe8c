"""/api/v1/estimates: estimates with their lines (read)."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from doorstep.billing.models import Estimate, EstimateLineItem
from doorstep.integrations.models import ApiScope

from .base import ApiView
from .customers import CustomerOut, LocationOut
from .expand import Expandable, expand_parse, expand_prepare, represent
from .fields import ApiModelSerializer, ExternalIdField, object_name
from .jobs import JobOut
from .pagination import cursor_page, list_body
from .records import record_or_404
from .schema import list_doc, read_doc


class EstimateLineOut(ApiModelSerializer):
    object = object_name("estimate_line")

    class Meta:
        model = EstimateLineItem
        fields = [
            "object",
            "id",
            "position",
            "description",
            "quantity",
            "unit_price",
            "tax_rate",
            "amount",
            "tax_amount",
        ]


class EstimateOut(ApiModelSerializer):
    prefetch: ClassVar[list[str]] = ["lines"]
    object = object_name("estimate")
    external_id = ExternalIdField()
    number = serializers.CharField(source="display_number", read_only=True)
    customer = Expandable(lambda: CustomerOut)
    location = Expandable(lambda: LocationOut)
    job = Expandable(lambda: JobOut)
    lines = EstimateLineOut(many=True, read_only=True)

    class Meta:
        model = Estimate
        fields = [
            "object",
            "id",
            "external_id",
            "number",
            "customer",
            "location",
            "job",
            "title",
            "state",
            "currency",
            "issue_date",
            "expiry_date",
            "notes",
            "subtotal",
            "tax",
            "total",
            "lines",
            "sent_at",
            "decided_at",
            "decline_reason",
            "created_at",
            "updated_at",
        ]


def estimates_of(company: Any) -> Any:
    return Estimate.objects.for_company(company)


class EstimateList(ApiView):
    scopes: ClassVar[dict[str, str]] = {"GET": ApiScope.ESTIMATES_READ}

    @list_doc(EstimateOut, "List estimates", operation_id="estimates_list")
    def get(self, request: Request) -> Response:
        expand = expand_parse(request, EstimateOut)
        page = cursor_page(expand_prepare(estimates_of(self.company), EstimateOut, expand), request)
        return Response(
            list_body(page, represent(request, self.company, EstimateOut, page.items, expand))
        )


class EstimateDetail(ApiView):
    scopes: ClassVar[dict[str, str]] = {"GET": ApiScope.ESTIMATES_READ}

    @read_doc(EstimateOut, "Get an estimate", operation_id="estimates_get")
    def get(self, request: Request, pk: int) -> Response:
        expand = expand_parse(request, EstimateOut)
        estimate = record_or_404(
            expand_prepare(estimates_of(self.company), EstimateOut, expand), pk
        )
        return Response(represent(request, self.company, EstimateOut, [estimate], expand)[0])
