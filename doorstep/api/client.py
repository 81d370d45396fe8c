"""Who is calling: an API key, its company (the only company this request works in) and the
API version the answer is shaped for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from doorstep.core.audit import Actor
from doorstep.core.models import ActorType
from doorstep.core.request_context import request_note
from doorstep.integrations.keys import api_key_authenticate
from doorstep.integrations.models import ApiKey
from doorstep.tenancy.models import Company


@dataclass(frozen=True)
class ApiClient:
    key: ApiKey
    company: Company
    actor: Actor

    @classmethod
    def of(cls, key: ApiKey) -> ApiClient:
        # Audit rows name the key (its public prefix), never the secret.
        return cls(key, key.company, Actor(ActorType.SYSTEM, f"API key {key.name} ({key.prefix})"))


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>`. The company comes from the key, never from the request."""

    def authenticate(self, request: Request) -> tuple[Any, ApiClient] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise exceptions.NotAuthenticated("Send your API key as `Authorization: Bearer <key>`.")
        key = api_key_authenticate(raw.strip())
        if key is None:
            raise exceptions.AuthenticationFailed(
                "This API key is not valid: it is unknown, revoked or expired."
            )
        request_note(request._request, company_id=key.company_id, actor="api")
        return (None, ApiClient.of(key))

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="doorstep"'
