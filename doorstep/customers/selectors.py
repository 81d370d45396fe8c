from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from doorstep.tenancy.models import Company

from .models import Contact, Customer, Location


def customer_email_contact(*, company: Company, customer: Customer) -> Contact | None:
    """The contact the customer's email goes to: the primary contact if it has an address,
    else the first contact (by name) that has one. The one rule for invoice emails, portal
    accounts, notices and receipts."""
    return (
        Contact.objects.for_company(company)
        .filter(customer=customer)
        .exclude(email="")
        .order_by("-is_primary", "name", "id")
        .first()
    )


def customer_email(*, company: Company, customer: Customer) -> str:
    """The customer's email address ("" when no contact has one)."""
    contact = customer_email_contact(company=company, customer=customer)
    return contact.email if contact is not None else ""


def customer_greeting_name(*, company: Company, customer: Customer) -> str:
    """The name the customer's emails greet (Customer.greeting_name of the contact they go to)."""
    return customer.greeting_name(customer_email_contact(company=company, customer=customer))


def customers_for_office(*, company: Company, archived: bool = False, query: str = "") -> Any:
    """The company's customers by name (the (company, name) index), active or archived,
    narrowed by customers.search when a query is typed."""
    from .search import customers_matching

    rows = (
        customers_matching(company=company, query=query)
        if query.strip()
        else (Customer.objects.for_company(company))
    )
    return rows.filter(archived_at__isnull=not archived).order_by("name", "id")


def customer_for_office(*, company: Company, customer_id: int) -> Customer | None:
    """One of the company's customers with its contacts (and their portal accounts) and
    service addresses: three queries however many there are."""
    return (
        Customer.objects.for_company(company)
        .filter(pk=customer_id)
        .prefetch_related(
            Prefetch(
                "contacts",
                queryset=Contact.objects.for_company(company).select_related("portal_account"),
            ),
            Prefetch("locations", queryset=Location.objects.for_company(company)),
        )
        .first()
    )
