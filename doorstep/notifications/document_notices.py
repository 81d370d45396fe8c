"""Sharing a document with a customer tells them: the document and its email commit together
(the outbox delivers and retries), in the company's editable words ("document_shared")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from doorstep.core.audit import Actor
from doorstep.core.links import portal_url
from doorstep.documents.models import Document
from doorstep.documents.services import document_share

from .customer_notices import customer_notify
from .models import NotificationEvent

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


@transaction.atomic
def document_share_and_tell(
    *,
    company: Company,
    customer: Any,
    upload: UploadedFile,
    title: str,
    actor: Actor,
    kind: str,
    description: str = "",
) -> Document:
    """documents.document_share (the upload checks, the audit row), then the customer's
    email (or text, as they chose)."""
    document = document_share(
        company=company,
        customer=customer,
        upload=upload,
        title=title,
        actor=actor,
        kind=kind,
        description=description,
    )
    documents_url = portal_url(company, "documents/")
    customer_notify(
        company=company,
        customer=customer,
        event=NotificationEvent.DOCUMENT_SHARED,
        values={"document_title": document.title, "documents_url": documents_url},
        button_url=documents_url,
    )
    return document
