from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from .models import Document

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def documents_for_customer(*, company: Company, customer: Any) -> QuerySet[Document]:
    return (
        Document.objects.for_company(company)
        .filter(customer=customer)
        .select_related("location", "job")
        .order_by("-created_at", "-id")
    )


def document_for_customer(*, company: Company, customer: Any, document_id: int) -> Document | None:
    return documents_for_customer(company=company, customer=customer).filter(pk=document_id).first()
