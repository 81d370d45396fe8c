"""Writes on customers, their contacts and locations (used by the API; the office forms
are to call the same functions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.verbs import Verb

from .models import Contact, Customer, CustomerKind, Location

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

CUSTOMER_FIELDS = ("kind", "name", "billing_address", "internal_notes")
CONTACT_FIELDS = ("name", "email", "phone", "is_primary")
LOCATION_FIELDS = ("label", "street", "city", "region", "postal_code", "access_notes")


def _clean_customer(values: dict[str, Any]) -> dict[str, Any]:
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"]:
            raise DomainError("Enter the customer's name.", field="name")
    if "kind" in values and values["kind"] not in CustomerKind.values:
        raise DomainError("Choose person or business.", field="kind")
    return values


def _only(values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    # An allow-list (SECURITY.md 14): company, customer or ids are never taken from input.
    return {name: value for name, value in values.items() if name in allowed}


@transaction.atomic
def customer_create(*, company: Company, actor: Actor, **values: Any) -> Customer:
    values = _clean_customer(_only(values, CUSTOMER_FIELDS))
    if "name" not in values:
        raise DomainError("Enter the customer's name.", field="name")
    customer = Customer.objects.create(company=company, **values)
    audit_record(
        company=company,
        target=customer,
        verb=Verb.CUSTOMER_CREATED,
        actor=actor,
        message=f"Customer {customer.name} created",
    )
    return customer


@transaction.atomic
def customer_update(
    *, company: Company, customer: Customer, actor: Actor, **values: Any
) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk, company=company)
    values = _clean_customer(_only(values, CUSTOMER_FIELDS))
    changed = [name for name, value in values.items() if getattr(customer, name) != value]
    if changed:
        for name in changed:
            setattr(customer, name, values[name])
        customer.save(update_fields=[*changed, "updated_at"])
        audit_record(
            company=company,
            target=customer,
            verb=Verb.CUSTOMER_CHANGED,
            actor=actor,
            message=f"Changed: {', '.join(changed)}",
        )
    return customer


@transaction.atomic
def contact_create(*, company: Company, customer: Customer, actor: Actor, **values: Any) -> Contact:
    """A person to reach at the customer. Making one primary moves "primary" from the other
    (one primary contact per customer)."""
    values = _only(values, CONTACT_FIELDS)
    values["name"] = (values.get("name") or "").strip()
    values["email"] = (values.get("email") or "").strip()
    if not values["name"]:
        raise DomainError("Enter the contact's name.", field="name")
    if customer.company_id != company.pk:
        raise DomainError("Choose one of your own customers.", field="customer")
    customer = Customer.objects.select_for_update().get(pk=customer.pk, company=company)
    contacts = Contact.objects.for_company(company).filter(customer=customer)
    if values.get("is_primary") or not contacts.exists():
        contacts.filter(is_primary=True).update(is_primary=False)
        values["is_primary"] = True
    contact = Contact.objects.create(company=company, customer=customer, **values)
    audit_record(
        company=company,
        target=customer,
        verb=Verb.CONTACT_CREATED,
        actor=actor,
        message=f"Contact {contact.name} added",
    )
    return contact


@transaction.atomic
def location_create(
    *, company: Company, customer: Customer, actor: Actor, **values: Any
) -> Location:
    values = _only(values, LOCATION_FIELDS)
    for required, words in (("street", "the street"), ("city", "the city")):
        values[required] = (values.get(required) or "").strip()
        if not values[required]:
            raise DomainError(f"Enter {words}.", field=required)
    if customer.company_id != company.pk:
        raise DomainError("Choose one of your own customers.", field="customer")
    location = Location.objects.create(company=company, customer=customer, **values)
    audit_record(
        company=company,
        target=location,
        verb=Verb.LOCATION_CREATED,
        actor=actor,
        message=f"Location {location.one_line} added",
    )
    return location
