"""Files staff share with a customer: warranties, manuals, agreements.

Stored in private storage under a server-generated name (SECURITY.md 24); customers download
them only through the portal's authorised view, as attachments.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from doorstep.core.models import TenantModel
from doorstep.core.uploads import private_name


class DocumentKind(models.TextChoices):
    WARRANTY = "warranty", "Warranty"
    MANUAL = "manual", "Manual"
    AGREEMENT = "agreement", "Agreement"
    REPORT = "report", "Report"
    PHOTO = "photo", "Photo"
    OTHER = "other", "Other"


def document_upload_to(instance: Document, filename: str) -> str:
    # The customer's file name is never used on disk; the extension comes from the content.
    return private_name(
        company_id=instance.company_id, folder="documents", extension=instance.extension or "bin"
    )


class Document(TenantModel):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="documents"
    )
    location = models.ForeignKey(
        "customers.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        help_text="Optional: the address this document is about.",
    )
    job = models.ForeignKey(
        "jobs.Job",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        help_text="Optional: the job this document is about.",
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    description = models.CharField(max_length=500, blank=True)
    file = models.FileField(upload_to=document_upload_to, max_length=200)
    # Decided from the file's content at upload (upload_check), never from its name.
    extension = models.CharField(max_length=10, editable=False)
    mime = models.CharField(max_length=60, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "customer", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def download_name(self) -> str:
        from django.utils.text import slugify

        return f"{slugify(self.title)[:80] or 'document'}.{self.extension}"

    @property
    def size_label(self) -> str:
        size: Any = self.size
        if size < 1024 * 1024:
            return f"{max(1, round(size / 1024))} KB"
        return f"{size / (1024 * 1024):.1f} MB"
