from __future__ import annotations

from doorstep.tenancy.models import Company

from .models import Contact, Customer


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
