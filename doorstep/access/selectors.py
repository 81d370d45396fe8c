"""Reads for the office's single sign-on area (doorstep/office/sso/), scoped by company."""

from __future__ import annotations

from typing import Any

from doorstep.customers.models import Contact, Customer
from doorstep.tenancy.models import Company

from .models import IdentityProvider


def identity_providers(*, company: Company) -> list[IdentityProvider]:
    return list(IdentityProvider.objects.for_company(company).order_by("name", "pk"))


def identity_provider_of(*, company: Company, provider_id: int) -> IdentityProvider | None:
    return IdentityProvider.objects.for_company(company).filter(pk=provider_id).first()


def customers_requiring_sso(*, company: Company) -> list[Any]:
    return list(
        Customer.objects.for_company(company)
        .filter(sso_requirement__isnull=False)
        .order_by("name", "pk")[:200]
    )


def sso_customer_of(*, company: Company, customer_id: int) -> Customer | None:
    return Customer.objects.for_company(company).filter(pk=customer_id).first()


def customer_for_contact_email(*, company: Company, email: str) -> Customer | None:
    contact = (
        Contact.objects.for_company(company)
        .select_related("customer")
        .filter(email__iexact=email.strip())
        .first()
    )
    return contact.customer if contact else None
