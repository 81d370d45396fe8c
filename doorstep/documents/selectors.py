from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Document


def documents_for_customer(*, company: Any, customer: Any) -> QuerySet[Document]:
    return (
        Document.objects.for_company(company)
        .filter(customer=customer)
        .select_related("location", "job")
        .order_by("-created_at", "-id")
    )


def document_for_customer(*, company: Any, customer: Any, document_id: int) -> Document | None:
    return documents_for_customer(company=company, customer=customer).filter(pk=document_id).first()
