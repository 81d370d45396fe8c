"""The one error shape of the API: `{"type", "code", "message", "field"}` for every 4xx (and
the rare 5xx), never a stack trace. DomainError messages are the office's own words."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

from doorstep.core.errors import DomainError
from doorstep.core.request_context import current_request_id

logger = logging.getLogger("doorstep.api")

API_PREFIX = "/api/"

TYPES = {
    400: "invalid_request",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "invalid_request",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "api_error",
}


def error_body(status_code: int, code: str, message: str, field: str | None = None) -> dict:
    body = {
        "type": TYPES.get(status_code, "invalid_request"),
        "code": code,
        "message": message,
        "field": field,
    }
    if status_code >= 500:
        # Our fault: the id support looks up in the logs (every response also carries it in
        # the X-Request-ID header, 4xx included).
        body["request_id"] = current_request_id()
    return body


class ApiError(exceptions.APIException):
    """An error the API raises itself (bad cursor, unknown version, idempotency...)."""

    def __init__(self, status_code: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.error_code = code
        self.field = field


def _first_error(detail: Any, path: str = "") -> tuple[str | None, str, str]:
    """The first (field, message, code) of a DRF validation error, with its field path."""
    if isinstance(detail, dict):
        for name, value in detail.items():
            name = "" if name == "non_field_errors" else str(name)
            return _first_error(value, f"{path}.{name}" if path and name else path or name)
    if isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and value:
                return _first_error(value, f"{path}[{index}]")
            if not isinstance(value, dict | list):
                return _first_error(value, path)
    code = getattr(detail, "code", "invalid")
    return (path or None, str(detail), str(code))


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    headers: dict[str, str] = {}
    if isinstance(exc, ApiError):
        status_code, body = (
            exc.status_code,
            error_body(exc.status_code, exc.error_code, str(exc.detail), exc.field),
        )
    elif isinstance(exc, DomainError):
        status_code = exc.status_code
        body = error_body(
            status_code,
            "not_found" if status_code == 404 else "rule_broken",
            exc.message,
            exc.field,
        )
    elif isinstance(exc, Http404 | ObjectDoesNotExist | exceptions.NotFound):
        status_code = 404
        body = error_body(404, "not_found", "No such record.")
    elif isinstance(exc, exceptions.ValidationError):
        status_code = 400
        field, message, code = _first_error(exc.detail)
        body = error_body(400, code, message, field)
    elif isinstance(exc, exceptions.ParseError):
        status_code = 400
        body = error_body(400, "malformed_body", "The request body is not valid JSON.")
    elif isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        codes = exc.get_codes()
        body = error_body(
            status_code, codes if isinstance(codes, str) else "error", str(exc.detail)
        )
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            headers["WWW-Authenticate"] = auth_header
    elif isinstance(exc, DjangoPermissionDenied):
        status_code = 403
        body = error_body(403, "permission_denied", "This key may not do that.")
    else:
        logger.exception("API error", exc_info=exc)
        status_code = 500
        body = error_body(500, "server_error", "Something went wrong on our side. Try again.")
    return Response(body, status=status_code, headers=headers)


def _json_or(
    request: HttpRequest, status_code: int, code: str, message: str
) -> HttpResponse | None:
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body(status_code, code, message), status=status_code)
    return None


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's 404: JSON under /api/, the usual page everywhere else."""
    return _json_or(request, 404, "not_found", "No such endpoint or record.") or (
        defaults.page_not_found(request, exception)
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _json_or(
        request,
        status.HTTP_500_INTERNAL_SERVER_ERROR,
        "server_error",
        "Something went wrong on our side. Try again.",
    ) or defaults.server_error(request)


@csrf_exempt  # answers only a 404; there is nothing to protect
def unknown_endpoint(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Every /api/v1/ path no endpoint has: the JSON 404 (also with DEBUG on), with a hint
    when only the trailing slash is missing."""
    from django.urls import Resolver404, resolve

    message = "No such endpoint. The reference is at /api/v1/docs/."
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/")
            message = f"No such endpoint; did you mean {request.path}/ (with a slash)?"
        except Resolver404:
            pass
    return JsonResponse(error_body(404, "not_found", message), status=404)
