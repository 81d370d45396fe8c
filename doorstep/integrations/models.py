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
