"""Webhook endpoints: registered, changed, switched off and on, rotated and deleted by owners
(office and API call these same functions).

The secret exists in plain text only in the answer to create/rotate and, sealed, in the row
(the worker needs it to sign). A rotation keeps the old secret signing for ROTATION_OVERLAP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.sealed import SealBroken, seal, unseal
from doorstep.core.verbs import Verb

from ..models import DeliveryState, WebhookDelivery, WebhookEndpoint
from .event_types import EVENT_TYPES
from .signing import secret_new
from .ssrf import url_refusal

if TYPE_CHECKING:
    from datetime import datetime

    from doorstep.tenancy.models import Company

# How long the previous secret keeps signing after a rotation (both signatures are sent).
ROTATION_OVERLAP = timedelta(hours=24)
MAX_ENDPOINTS = 20


@dataclass(frozen=True)
class IssuedEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown once, never stored in plain text


def _url_check(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise DomainError("Enter the URL that should receive the events.", field="url")
    if len(url) > 500:
        raise DomainError("The URL is too long (at most 500 characters).", field="url")
    refusal = url_refusal(url)
    if refusal:
        raise DomainError(refusal, field="url")
    return url


def event_types_check(event_types: Iterable[str]) -> list[str]:
    chosen = sorted(set(event_types))
    unknown = [name for name in chosen if name not in EVENT_TYPES]
    if unknown:
        raise DomainError(f"Unknown event type: {', '.join(unknown)}.", field="event_types")
    return chosen


@transaction.atomic
def webhook_endpoint_create(
    *,
    company: Company,
    url: str,
    event_types: Iterable[str],
    actor: Actor,
    description: str = "",
) -> IssuedEndpoint:
    """A new endpoint with a fresh secret. No event types chosen = every event."""
    url = _url_check(url)
    chosen = event_types_check(event_types)
    if WebhookEndpoint.objects.for_company(company).count() >= MAX_ENDPOINTS:
        raise DomainError(f"A company can have at most {MAX_ENDPOINTS} webhook endpoints.")
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        company=company,
        url=url,
        description=description.strip()[:100],
        event_types=chosen,
        secret_sealed=seal(secret),
    )
    audit_record(
        company=company,
        target=endpoint,
        verb=Verb.WEBHOOK_ENDPOINT_CREATED,
        actor=actor,
        message=f"Webhook endpoint {url} added",
        data={"event_types": chosen},
    )
    return IssuedEndpoint(endpoint=endpoint, secret=secret)


def _locked(company: Company, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk, company=company)


@transaction.atomic
def webhook_endpoint_update(
    *,
    company: Company,
    endpoint: WebhookEndpoint,
    actor: Actor,
    url: str | None = None,
    event_types: Iterable[str] | None = None,
    description: str | None = None,
) -> WebhookEndpoint:
    endpoint = _locked(company, endpoint)
    changed: dict[str, object] = {}
    if url is not None and url.strip() != endpoint.url:
        endpoint.url = changed["url"] = _url_check(url)
    if event_types is not None:
        chosen = event_types_check(event_types)
        if chosen != endpoint.event_types:
            endpoint.event_types = changed["event_types"] = chosen
    if description is not None and description.strip()[:100] != endpoint.description:
        endpoint.description = changed["description"] = description.strip()[:100]
    if changed:
        endpoint.save()
        audit_record(
            company=company,
            target=endpoint,
            verb=Verb.WEBHOOK_ENDPOINT_UPDATED,
            actor=actor,
            message=f"Webhook endpoint {endpoint.url} changed",
            data=changed,
        )
    return endpoint


@transaction.atomic
def webhook_endpoint_disable(
    *, company: Company, endpoint: WebhookEndpoint, actor: Actor, reason: str
) -> WebhookEndpoint:
    """Stop sending. Deliveries still waiting are not sent (they can be resent later)."""
    endpoint = _locked(company, endpoint)
    if endpoint.enabled:
        endpoint.enabled = False
        endpoint.disabled_reason = reason[:200]
        endpoint.disabled_at = timezone.now()
        endpoint.save(update_fields=["enabled", "disabled_reason", "disabled_at", "updated_at"])
        WebhookDelivery.objects.filter(
            company=company, endpoint=endpoint, state=DeliveryState.PENDING
        ).update(state=DeliveryState.CANCELLED, last_error="The endpoint was switched off.")
        audit_record(
            company=company,
            target=endpoint,
            verb=Verb.WEBHOOK_ENDPOINT_DISABLED,
            actor=actor,
            message=f"Webhook endpoint {endpoint.url} switched off: {reason}",
        )
    return endpoint


@transaction.atomic
def webhook_endpoint_enable(
    *, company: Company, endpoint: WebhookEndpoint, actor: Actor
) -> WebhookEndpoint:
    endpoint = _locked(company, endpoint)
    if not endpoint.enabled:
        endpoint.enabled = True
        endpoint.disabled_reason = ""
        endpoint.disabled_at = None
        endpoint.failing_since = None
        endpoint.save()
        audit_record(
            company=company,
            target=endpoint,
            verb=Verb.WEBHOOK_ENDPOINT_ENABLED,
            actor=actor,
            message=f"Webhook endpoint {endpoint.url} switched on",
        )
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, company: Company, endpoint: WebhookEndpoint, actor: Actor) -> None:
    """The endpoint and its delivery log are removed; the events themselves stay."""
    endpoint = _locked(company, endpoint)
    audit_record(
        company=company,
        target=endpoint,
        verb=Verb.WEBHOOK_ENDPOINT_DELETED,
        actor=actor,
        message=f"Webhook endpoint {endpoint.url} deleted",
    )
    endpoint.delete()


@transaction.atomic
def webhook_endpoint_rotate(
    *, company: Company, endpoint: WebhookEndpoint, actor: Actor
) -> IssuedEndpoint:
    """A new secret. The current one keeps signing (a second signature) for ROTATION_OVERLAP."""
    endpoint = _locked(company, endpoint)
    secret = secret_new()
    endpoint.previous_secret_sealed = endpoint.secret_sealed
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    endpoint.secret_sealed = seal(secret)
    endpoint.save()
    audit_record(
        company=company,
        target=endpoint,
        verb=Verb.WEBHOOK_ENDPOINT_ROTATED,
        actor=actor,
        message=f"Webhook endpoint {endpoint.url}: new signing secret",
    )
    return IssuedEndpoint(endpoint=endpoint, secret=secret)


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, plus the previous one
    during a rotation's overlap. A secret sealed under a retired SECRET_KEY is left out."""
    sealed = [endpoint.secret_sealed]
    if endpoint.previous_secret_sealed and (
        endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now
    ):
        sealed.append(endpoint.previous_secret_sealed)
    secrets: list[str] = []
    for value in sealed:
        try:
            secrets.append(unseal(value))
        except SealBroken:
            continue
    return secrets


def webhook_endpoints_of(*, company: Company) -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.for_company(company))


def webhook_endpoint_find(*, company: Company, endpoint_id: int) -> WebhookEndpoint | None:
    return WebhookEndpoint.objects.for_company(company).filter(pk=endpoint_id).first()
