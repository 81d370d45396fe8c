"""The base of every API view: the key, its scope, the limits, the version and idempotency.

Order of a request: key (401) -> limits (429, counted even for refused scopes) -> version
(400) -> scope (403) -> Idempotency-Key (replay / 409 / 422) -> the view -> the stored answer.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from typing import Any, ClassVar

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from doorstep.integrations.idempotency import (
    Claim,
    idempotency_claim,
    idempotency_finish,
    request_fingerprint,
)
from doorstep.integrations.limits import LimitResult, request_limit_take
from doorstep.integrations.versions import VERSIONS
from doorstep.tenancy.rls import tenant_scope

from .client import ApiClient, ApiKeyAuthentication
from .errors import ApiError

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
VERSION_HEADER = "Doorstep-Version"
IDEMPOTENCY_HEADER = "Idempotency-Key"


class _Answered(Exception):
    """Stops the request with a ready response (an idempotent replay)."""

    def __init__(self, response: Response) -> None:
        self.response = response


class ApiView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = []
    throttle_classes = []
    parser_classes = [JSONParser]
    # HTTP method -> the scope it needs, e.g. {"GET": "customers:read"}.
    scopes: ClassVar[dict[str, str]] = {}

    client: ApiClient
    _limit: LimitResult | None = None
    _claim: Claim | None = None
    _version: str = ""
    _tenant: ExitStack

    @property
    def company(self) -> Any:
        return self.client.company

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # The key names the company; from then on the request's transaction sees only its rows
        # (tenancy.rls, docs/adr/0003). The key itself is read before, by its hash.
        with ExitStack() as self._tenant:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.format_kwarg = self.get_format_suffix(**kwargs)
        self.perform_authentication(request)
        self.client = request.auth  # type: ignore[assignment]  # ApiKeyAuthentication's
        # Dates ("today", an invoice's issue date) are the company's, as in the office.
        timezone.activate(self.company.timezone or "UTC")
        # The limit count and the idempotency claim commit in short transactions of their own
        # (each in the company's tenant scope) before the handler's: a concurrent request must
        # see the claim (409) and must not wait on the count's row lock for a whole request.
        with tenant_scope(self.company):
            self._limit = request_limit_take(company=self.company, api_key_id=self.client.key.pk)
        if not self._limit.allowed:
            raise ApiError(
                429,
                "rate_limited",
                "Too many requests for this key or company; wait and try again.",
            )
        asked = request.headers.get(VERSION_HEADER, "").strip()
        if asked and asked not in VERSIONS:
            raise ApiError(
                400,
                "unknown_version",
                f"Unknown {VERSION_HEADER} {asked!r}; known: {', '.join(VERSIONS)}.",
            )
        self._version = asked or self.client.key.version
        if self.required_scope(request) is None:
            raise exceptions.MethodNotAllowed(request.method or "")
        scope = self.required_scope(request)
        if scope is None or not self.client.key.allows(scope):
            raise ApiError(403, "missing_scope", f"This API key lacks the scope {scope}.")
        if request.method in WRITE_METHODS:
            self._idempotency_start(request)
        # From here the handler's transaction sees only this company's rows (tenancy.rls).
        self._tenant.enter_context(tenant_scope(self.company))

    def required_scope(self, request: Request) -> str | None:
        method = "GET" if request.method == "HEAD" else request.method or ""
        return self.scopes.get(method)

    def _idempotency_start(self, request: Request) -> None:
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not key:
            return
        if len(key) > 255:
            raise ApiError(
                400, "invalid_idempotency_key", "An Idempotency-Key has at most 255 characters."
            )
        with tenant_scope(self.company):  # committed before the handler runs (see initial)
            claim = idempotency_claim(
                company=self.company,
                api_key=self.client.key,
                key=key,
                fingerprint=request_fingerprint(
                    request.method or "", request.get_full_path(), request._request.body
                ),
            )
        if claim.outcome == "mismatch":
            raise ApiError(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was used for a different request.",
            )
        if claim.outcome == "conflict":
            raise ApiError(
                409,
                "idempotency_in_progress",
                "A request with this Idempotency-Key is still running; retry later.",
            )
        if claim.outcome == "replay" and claim.record is not None:
            response = Response(
                json.loads(claim.record.response_body or "null"),
                status=claim.record.response_status,
                headers={"Idempotent-Replayed": "true"},
            )
            raise _Answered(response)
        self._claim = claim

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Answered):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        timezone.deactivate()
        if self._claim is not None and self._claim.record is not None:
            idempotency_finish(
                record=self._claim.record,
                status=response.status_code,
                body=json.dumps(getattr(response, "data", None), cls=JSONEncoder),
            )
            self._claim = None
        if self._limit is not None:
            response["X-RateLimit-Limit"] = str(self._limit.limit)
            response["X-RateLimit-Remaining"] = str(self._limit.remaining)
            response["X-RateLimit-Reset"] = str(self._limit.reset_seconds)
            if not self._limit.allowed:
                response["Retry-After"] = str(self._limit.reset_seconds)
        if self._version:
            response[VERSION_HEADER] = self._version
        return response

    # helpers for the resource modules
    def read(self, serializer_class: type, instance: Any, **context: Any) -> dict:
        from .expand import represent

        return represent(self.request, self.company, serializer_class, [instance])[0]
