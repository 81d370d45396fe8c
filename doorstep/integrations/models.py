"""What a company's own software needs to talk to Doorstep: API keys, the replay record of
idempotent writes, request counters for the limits, external ids and tombstones.

These sit just above tenancy (they need only the company): every app above may use them, and
the API (an entry app) and the outgoing webhooks build on them. Records are named by
`object_type` + id, never by a foreign key, so this app knows no business model.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import timezone

from doorstep.core.models import TenantModel


class ApiScope(StrEnum):
    """What a key may do. `:write` implies `:read` of the same resource."""

    CUSTOMERS_READ = "customers:read"
    CUSTOMERS_WRITE = "customers:write"
    JOBS_READ = "jobs:read"
    JOBS_WRITE = "jobs:write"
    INVOICES_READ = "invoices:read"
    INVOICES_WRITE = "invoices:write"
    ESTIMATES_READ = "estimates:read"
    ESTIMATES_WRITE = "estimates:write"
    PAYMENTS_READ = "payments:read"
    REFUNDS_WRITE = "refunds:write"
    REQUESTS_READ = "requests:read"
    REQUESTS_WRITE = "requests:write"
    MESSAGES_READ = "messages:read"
    MESSAGES_WRITE = "messages:write"
    DOCUMENTS_WRITE = "documents:write"
    PORTAL_ACCESS_WRITE = "portal_access:write"
    WEBHOOKS_READ = "webhooks:read"
    WEBHOOKS_WRITE = "webhooks:write"


class ApiKey(TenantModel):
    """A company's key. Shown once as `<prefix>_<secret>`; only the SHA-256 of the whole key
    is kept (a key has 256 bits of randomness, so a fast hash is enough and keeps every
    request cheap, unlike a password hasher)."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=20, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    version = models.CharField(max_length=10, help_text="API version pinned at creation.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def allows(self, scope: str) -> bool:
        resource, _, what = scope.partition(":")
        return scope in self.scopes or (what == "read" and f"{resource}:write" in self.scopes)


class IdempotencyState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class IdempotentRequest(TenantModel):
    """One `Idempotency-Key` of one API key: the request's fingerprint and, once answered,
    the response, replayed for 24 hours."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=IdempotencyState.choices)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "api_key", "key"], name="uniq_idempotency_key_per_api_key"
            )
        ]

    def __str__(self) -> str:
        return self.key


class RequestCount(TenantModel):
    """Requests in one fixed window, per key (`bucket` = "key:<id>") or per company
    ("company"). Incremented with a conditional UPDATE, so concurrent requests cannot both
    take the last slot."""

    bucket = models.CharField(max_length=40)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "bucket", "window_start"], name="uniq_request_count_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bucket} @ {self.window_start}: {self.count}"


class ExternalRef(TenantModel):
    """The id a record has in the company's own software: unique per company and type."""

    object_type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    external_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "object_type", "external_id"], name="uniq_external_id"
            ),
            models.UniqueConstraint(
                fields=["company", "object_type", "object_id"], name="uniq_external_ref_object"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} = {self.external_id}"


class TombstoneReason(models.TextChoices):
    DELETED = "deleted", "Deleted"
    VOIDED = "voided", "Voided"


class Tombstone(TenantModel):
    """A record that is gone (deleted) or no longer counts (voided), for incremental sync."""

    object_type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    external_id = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=10, choices=TombstoneReason.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["company", "updated_at", "id"])]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} {self.reason}"


class WebhookEndpoint(TenantModel):
    """A URL of the company's own software that hears about events (Standard Webhooks).

    The signing secret (`whsec_` + base64) is shown once and kept sealed (core/sealed.py).
    After a rotation the previous secret also signs until `previous_secret_expires_at`, so a
    receiver can switch without rejecting a delivery. An endpoint is switched off by staff,
    by a 410 Gone answer, or after failing for WEBHOOK_DISABLE_AFTER (the reason says which).
    """

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=100, blank=True)
    # Empty: every event type.
    event_types = models.JSONField(default=list, blank=True)
    secret_sealed = models.TextField()
    previous_secret_sealed = models.TextField(blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # First failure of the current run of failures; cleared by any success.
    failing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "enabled"])]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class WebhookEvent(TenantModel):
    """The outbox: one event, written in the same transaction as the change it tells about,
    with a snapshot of the record at that moment. `public_id` (msg_...) is the webhook-id
    header: the same on every retry and resend, so a receiver can drop duplicates."""

    public_id = models.CharField(max_length=40, unique=True)
    type = models.CharField(max_length=50)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "created_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.public_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Waiting"
    # Claimed by a worker until `claimed_until` (committed before the HTTP call).
    SENDING = "sending", "Sending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Gave up"
    CANCELLED = "cancelled", "Not sent (endpoint off)"


class WebhookDelivery(TenantModel):
    """One event to one endpoint, retried on the Standard Webhooks schedule."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["company", "endpoint", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.endpoint_id} ({self.state})"


class WebhookAttempt(TenantModel):
    """One HTTP request of a delivery, for the attempt log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        indexes = [models.Index(fields=["company", "endpoint", "-attempted_at"])]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.status_code or self.error}"
