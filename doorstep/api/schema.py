"""OpenAPI helpers: the error shape, the list envelope and the parameters every list takes,
so the schema documents every answer the API can give (Schemathesis checks it does)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers


class ErrorOut(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[
            "invalid_request",
            "authentication_error",
            "permission_error",
            "not_found",
            "method_not_allowed",
            "not_acceptable",
            "conflict",
            "unsupported_media_type",
            "rate_limited",
            "api_error",
        ]
    )
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)


_ERROR = OpenApiResponse(ErrorOut, description="Error")
READ_ERRORS = {status: _ERROR for status in (400, 401, 403, 404, 406, 429)}
WRITE_ERRORS = {status: _ERROR for status in (400, 401, 403, 404, 406, 409, 415, 422, 429)}

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Repeat a write safely: the first answer is replayed for 24 hours.",
)
VERSION = OpenApiParameter(
    "Doorstep-Version",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="API version, e.g. 2026-12-01. Default: the version the key was created with.",
)
EXPAND = OpenApiParameter(
    "expand",
    OpenApiTypes.STR,
    required=False,
    description="Comma-separated related objects to include, e.g. customer,job.location.",
)
LIST_PARAMETERS = [
    OpenApiParameter("limit", OpenApiTypes.INT, required=False, description="1-100, default 20."),
    OpenApiParameter(
        "cursor",
        OpenApiTypes.STR,
        required=False,
        description="`next_cursor` of the previous page.",
    ),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        required=False,
        description="Only records changed at or after this time.",
    ),
    EXPAND,
    VERSION,
]


@cache
def list_of(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    name = item.__name__.removesuffix("Out") + "List"
    return type(
        name,
        (serializers.Serializer,),
        {
            "object": serializers.ChoiceField(choices=["list"]),
            "data": item(many=True),
            "has_more": serializers.BooleanField(),
            "next_cursor": serializers.CharField(allow_null=True),
        },
    )


def list_doc(item: type[serializers.Serializer], summary: str, **kw: Any) -> Callable:
    return extend_schema(
        summary=summary,
        parameters=LIST_PARAMETERS,
        responses={200: list_of(item), **READ_ERRORS},
        **kw,
    )


def read_doc(item: type[serializers.Serializer], summary: str, **kw: Any) -> Callable:
    return extend_schema(
        summary=summary, parameters=[EXPAND, VERSION], responses={200: item, **READ_ERRORS}, **kw
    )


def write_doc(
    item: type[serializers.Serializer] | None,
    summary: str,
    request: Any = None,
    created: bool = False,
    **kw: Any,
) -> Callable:
    ok: dict[int, Any] = {200: item}
    if created:
        ok[201] = item
    return extend_schema(
        summary=summary,
        request=request,
        parameters=[IDEMPOTENCY, VERSION],
        responses={**ok, **WRITE_ERRORS},
        **kw,
    )
