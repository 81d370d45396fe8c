"""The tenant base every company-owned model inherits, and the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


class TenantQuerySet(models.QuerySet):
    def for_company(self, company: Company) -> Self:
        """The only way to read tenant rows: the company is always explicit."""
        return self.filter(company=company)

    def for_companies(self, company_ids: Any) -> Self:
        """The rows of any of these companies: a staff member's list, where
        tenancy.roles.staff_may chose the companies (backoffice.tenant_admin)."""
        return self.filter(company_id__in=company_ids)


class TenantModel(models.Model):
    """A row owned by one company. The FK is indexed and belongs in every unique constraint."""

    company = models.ForeignKey("tenancy.Company", on_delete=models.CASCADE, db_index=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class ActorType(models.TextChoices):
    STAFF = "staff", "Staff"
    PORTAL = "portal", "Customer"
    WEBHOOK = "webhook", "Payment provider"
    SYSTEM = "system", "System"


class AuditEvent(TenantModel):
    """Who did what, to which record, when. Readable by staff on the record itself.

    `target_type`/`target_id` name the record ("invoice", 42) so any app can write events
    without a generic foreign key. Never store tokens, codes or card data in `data`.
    """

    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    verb = models.CharField(max_length=60)
    message = models.CharField(max_length=500, blank=True)
    actor_type = models.CharField(max_length=10, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["company", "target_type", "target_id", "-created_at"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or self.actor_type}: {self.verb}"
        )


class NumberSequence(TenantModel):
    """Per-company counters for human numbers (INV-0042, JOB-0007, EST-0003).

    Incremented under a row lock so two documents created at once never share a number.
    """

    kind = models.CharField(max_length=20)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "kind"], name="uniq_sequence_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.last_value}"


class ScheduledRun(models.Model):
    """One row per (periodic job, time slot): the scheduler enqueues a slot only once."""

    name = models.CharField(max_length=80)
    slot = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="uniq_scheduled_slot")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M:%S}"


class PrivateFileBase(TenantModel):
    """An uploaded file kept in private storage (SECURITY.md 24): its kind comes from its
    content, its name from the server. Save one with `core.uploads.private_file_store`."""

    file = models.FileField(max_length=200)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    # A small upright JPEG beside the original, without metadata (core/thumbnails.py); empty
    # for a file that is not a photo Pillow decodes (PDF, HEIC, a damaged image).
    thumbnail = models.FileField(max_length=200, blank=True)
    thumb_width = models.PositiveSmallIntegerField(null=True, blank=True)
    thumb_height = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["id"]
