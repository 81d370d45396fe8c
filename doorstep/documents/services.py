"""Sharing a document with a customer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.uploads import DOCUMENT_KINDS, MAX_DOCUMENT_BYTES, upload_check
from doorstep.core.verbs import Verb

from .models import Document, DocumentKind

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def document_check_links(*, company: Company, customer: Any, location: Any, job: Any) -> None:
    if customer.company_id != company.pk:
        raise DomainError("Choose one of your own customers.", field="customer")
    if location is not None and location.customer_id != customer.pk:
        raise DomainError("That address belongs to another customer.", field="location")
    if job is not None and job.customer_id != customer.pk:
        raise DomainError("That job belongs to another customer.", field="job")


def document_prepare_file(document: Document, upload: UploadedFile) -> None:
    """Check the upload by content and record what it really is (before saving)."""
    kind = upload_check(upload, kinds=DOCUMENT_KINDS, max_bytes=MAX_DOCUMENT_BYTES)
    document.extension, document.mime = kind.extension, kind.mime
    document.size = upload.size or 0


@transaction.atomic
def document_share(
    *,
    company: Company,
    customer: Any,
    upload: UploadedFile,
    title: str,
    actor: Actor,
    kind: str = DocumentKind.OTHER,
    description: str = "",
    location: Any = None,
    job: Any = None,
) -> Document:
    title = (title or "").strip()
    if not title:
        raise DomainError("Give the document a title the customer will recognise.", field="title")
    document_check_links(company=company, customer=customer, location=location, job=job)
    document = Document(
        company=company,
        customer=customer,
        location=location,
        job=job,
        title=title[:200],
        kind=kind,
        description=description[:500],
        shared_by=actor.user,
    )
    document_prepare_file(document, upload)
    document.file = upload
    document.save()
    audit_record(
        company=company,
        target=document,
        verb=Verb.DOCUMENT_SHARED,
        actor=actor,
        message=f"Shared {document.title} with {customer.name}",
    )
    return document
