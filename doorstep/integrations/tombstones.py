"""Tombstones: what an incremental sync must remove on its side.

Deletes of synced records are caught by `post_delete` (inside the deleting transaction, so a
rolled-back delete leaves no tombstone); a void is recorded by the service that voids
(`billing.invoices.invoice_void`). Models are named by string: this app knows no business app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.signals import post_delete

from .models import ExternalRef, Tombstone

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

# model label -> the object type an API client sees
SYNCED_MODELS = {
    "customers.Customer": "customer",
    "customers.Contact": "contact",
    "customers.Location": "location",
    "jobs.Job": "job",
    "billing.Invoice": "invoice",
    "billing.Estimate": "estimate",
    "documents.Document": "document",
}


def object_type_of(instance: models.Model) -> str:
    return SYNCED_MODELS[instance._meta.label]


def tombstone_record(*, company: Company, instance: models.Model, reason: str) -> Tombstone:
    object_type = object_type_of(instance)
    ref = (
        ExternalRef.objects.for_company(company)
        .filter(object_type=object_type, object_id=instance.pk)
        .first()
    )
    if reason == "deleted" and ref is not None:
        ref.delete()  # the external id may be used again for a new record
    return Tombstone.objects.create(
        company=company,
        object_type=object_type,
        object_id=instance.pk,
        external_id=ref.external_id if ref else "",
        reason=reason,
    )


def _on_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    # A company being deleted takes its tombstones with it (cascade): nothing to record.
    company_id = getattr(instance, "company_id", None)
    if company_id is None:
        return
    from doorstep.tenancy.models import Company

    company = Company.objects.filter(pk=company_id).first()
    if company is not None:
        tombstone_record(company=company, instance=instance, reason="deleted")


def connect_deletes() -> None:
    for label in SYNCED_MODELS:
        post_delete.connect(_on_delete, sender=label, dispatch_uid=f"tombstone:{label}")
