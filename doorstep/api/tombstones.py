"""/api/v1/tombstones: records deleted or voided since a time, for incremental sync."""

from __future__ import annotations

from typing import ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from doorstep.integrations.models import ApiScope, Tombstone
from doorstep.integrations.tombstones import SYNCED_MODELS

from .base import ApiView
from .errors import ApiError
from .fields import ApiModelSerializer, object_name
from .pagination import cursor_page, list_body
from .schema import LIST_PARAMETERS, READ_ERRORS, list_of

# Reading a type's tombstones needs the read scope of that type.
SCOPE_OF = {
    "customer": ApiScope.CUSTOMERS_READ,
    "contact": ApiScope.CUSTOMERS_READ,
    "location": ApiScope.CUSTOMERS_READ,
    "job": ApiScope.JOBS_READ,
    "invoice": ApiScope.INVOICES_READ,
    "estimate": ApiScope.ESTIMATES_READ,
    "document": ApiScope.CUSTOMERS_READ,
}
assert set(SCOPE_OF) == set(SYNCED_MODELS.values())


class TombstoneOut(ApiModelSerializer):
    object = object_name("tombstone")
    object_type = serializers.ChoiceField(choices=sorted(SCOPE_OF), read_only=True)

    class Meta:
        model = Tombstone
        fields = ["object", "id", "object_type", "object_id", "external_id", "reason", "updated_at"]


class TombstoneList(ApiView):
    scopes: ClassVar[dict[str, str]] = {}

    def required_scope(self, request: Request) -> str | None:
        """Reading a type's tombstones needs the read scope of that type."""
        wanted = request.query_params.get("type", "")
        if wanted not in SCOPE_OF:
            raise ApiError(
                400, "unknown_type", f"type is one of {', '.join(sorted(SCOPE_OF))}.", "type"
            )
        return SCOPE_OF[wanted]

    @extend_schema(
        summary="List tombstones: records deleted or voided (one type at a time)",
        operation_id="tombstones_list",
        parameters=[
            OpenApiParameter("type", OpenApiTypes.STR, required=True, enum=sorted(SCOPE_OF)),
            *LIST_PARAMETERS[:3],
            LIST_PARAMETERS[4],
        ],
        responses={200: list_of(TombstoneOut), **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        rows = Tombstone.objects.for_company(self.company).filter(
            object_type=request.query_params["type"]
        )
        page = cursor_page(rows, request)
        return Response(list_body(page, [TombstoneOut(row).data for row in page.items]))
