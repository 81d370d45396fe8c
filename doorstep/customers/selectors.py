from __future__ import annotations

from django.db.models import QuerySet

from doorstep.tenancy.models import Company

from .models import Contact, Customer


def customers_for_company(*, company: Company) -> QuerySet[Customer]:
    return Customer.objects.for_company(company)


def customer_primary_contact(*, company: Company, customer: Customer) -> Contact | None:
    """The primary contact, else the first contact with an email."""
    contacts = Contact.objects.for_company(company).filter(customer=customer)
    return contacts.filter(is_primary=True).first() or contacts.exclude(email="").first()
