"""/api/v1/service-requests: customers' requests (read), approved into a job or declined with
a reason through the office's services (servicerequests.services), which tell the customer."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from doorstep.integrations.models import ApiScope
from doorstep.servicerequests.models import ServiceRequest
from doorstep.servicerequests.services import service_request_approve, service_request_decline

from .base import ApiView
from .customers import CustomerOut, LocationOut
from .expand import Expandable, expand_parse, expand_prepare, represent
from .fields import ApiModelSerializer, object_name
from .jobs import JobOut
from .pagination import cursor_page, list_body
from .records import record_or_404, valid_input
from .schema import list_doc, read_doc, write_doc


class ServiceRequestOut(ApiModelSerializer):
    object = object_name("service_request")
    customer = Expandable(lambda: CustomerOut)
    location = Expandable(lambda: LocationOut)
    job = Expandable(lambda: JobOut)
    service_type = serializers.CharField(source="service_type.name", read_only=True)

    class Meta:
        model = ServiceRequest
        fields = [
            "object",
            "id",
            "number",
            "customer",
            "location",
            "service_type",
            "description",
            "preferred_date",
            "preferred_window",
            "urgency",
            "status",
            "decline_reason",
            "job",
            "reviewed_at",
            "created_at",
        ]


class ApproveIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text="Default: the address of the request.",
    )


class DeclineIn(serializers.Serializer):
    reason = serializers.CharField(help_text="Told to the customer.")


def requests_of(company: Any) -> Any:
    return ServiceRequest.objects.for_company(company).select_related("service_type")


def _show(view: ApiView, pk: int) -> Response:
    fresh = requests_of(view.company).get(pk=pk)
    return Response(represent(view.request, view.company, ServiceRequestOut, [fresh], set())[0])


class ServiceRequestList(ApiView):
    scopes: ClassVar[dict[str, str]] = {"GET": ApiScope.REQUESTS_READ}

    @list_doc(
        ServiceRequestOut,
        "List service requests (ordered by created_at)",
        operation_id="service_requests_list",
    )
    def get(self, request: Request) -> Response:
        expand = expand_parse(request, ServiceRequestOut)
        queryset = expand_prepare(requests_of(self.company), ServiceRequestOut, expand)
        # Requests have no updated_at: they sync by created_at (docs/api.md).
        page = cursor_page(queryset, request, field="created_at")
        return Response(
            list_body(page, represent(request, self.company, ServiceRequestOut, page.items, expand))
        )


class ServiceRequestDetail(ApiView):
    scopes: ClassVar[dict[str, str]] = {"GET": ApiScope.REQUESTS_READ}

    @read_doc(ServiceRequestOut, "Get a service request", operation_id="service_requests_get")
    def get(self, request: Request, pk: int) -> Response:
        expand = expand_parse(request, ServiceRequestOut)
        found = record_or_404(
            expand_prepare(requests_of(self.company), ServiceRequestOut, expand), pk
        )
        return Response(represent(request, self.company, ServiceRequestOut, [found], expand)[0])


class ServiceRequestApprove(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.REQUESTS_WRITE}

    @write_doc(
        ServiceRequestOut,
        "Approve a request into a job",
        request=ApproveIn,
        operation_id="service_requests_approve",
    )
    def post(self, request: Request, pk: int) -> Response:
        found = record_or_404(requests_of(self.company), pk)
        data = valid_input(ApproveIn, request.data)
        service_request_approve(
            company=self.company,
            request_id=found.pk,
            title=data["title"],
            description=data["description"],
            location_id=data.get("location", found.location_id),
            actor=self.client.actor,
        )
        return _show(self, found.pk)


class ServiceRequestDecline(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.REQUESTS_WRITE}

    @write_doc(
        ServiceRequestOut,
        "Decline a request, telling the customer why",
        request=DeclineIn,
        operation_id="service_requests_decline",
    )
    def post(self, request: Request, pk: int) -> Response:
        found = record_or_404(requests_of(self.company), pk)
        data = valid_input(DeclineIn, request.data)
        service_request_decline(
            company=self.company,
            request_id=found.pk,
            reason=data["reason"],
            actor=self.client.actor,
        )
        return _show(self, found.pk)
