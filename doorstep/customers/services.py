"""Writes on customers: creating one with its first contact and address, changing details,
contacts and service addresses, staff-only notes, archiving. Every change writes the audit
trail on the customer (its History shows contacts and addresses too).

The office forms hand these functions unsaved model instances; the API hands field values
(`customer_create_from_values`, `customer_update_values`, `contact_create`, `location_create`),
which go through the same rules: one home for a customer's name rule and audit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.verbs import Verb

from .models import Contact, Customer, CustomerKind, Location

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


@dataclass
class ChildChanges:
    """Contacts or addresses as an edit form left them: new ones and changed ones (unsaved),
    with the labels of what changed for the audit message."""

    added: list[Any] = field(default_factory=list)
    changed: list[Any] = field(default_factory=list)

    def words(self, noun: str) -> list[str]:
        parts = []
        if self.added:
            parts.append(f"added {noun} {', '.join(str(o) for o in self.added)}")
        if self.changed:
            parts.append(f"changed {noun} {', '.join(str(o) for o in self.changed)}")
        return parts


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _own(company: Company, customer: Customer) -> None:
    if customer.company_id != company.pk:
        raise DomainError("Choose one of your own customers.")


def _save_contacts(company: Company, customer: Customer, contacts: Iterable[Contact]) -> None:
    # The one-primary constraint holds at every statement: clear the old primary first.
    rows = list(contacts)
    if any(c.is_primary for c in rows):
        keep = {c.pk for c in rows if c.is_primary and c.pk}
        Contact.objects.for_company(company).filter(customer=customer, is_primary=True).exclude(
            pk__in=keep
        ).update(is_primary=False)
    for contact in sorted(rows, key=lambda c: c.is_primary):
        contact.company, contact.customer = company, customer
        contact.email = (contact.email or "").strip()
        contact.save()


def _save_locations(company: Company, customer: Customer, locations: Iterable[Location]) -> None:
    for location in locations:
        location.company, location.customer = company, customer
        location.save()


@transaction.atomic
def customer_create(
    *,
    company: Company,
    actor: Actor,
    customer: Customer,
    contact: Contact | None = None,
    location: Location | None = None,
) -> Customer:
    """A new customer (an unsaved Customer from the form) with its first contact and service
    address when given."""
    name = " ".join((customer.name or "").split())
    if not name:
        raise DomainError("Type the customer's name.", field="name")
    customer.company, customer.name = company, name
    customer.save()
    if contact is not None:
        contact.is_primary = True
        _save_contacts(company, customer, [contact])
    if location is not None:
        _save_locations(company, customer, [location])
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
    *,
    company: Company,
    actor: Actor,
    customer: Customer,
    changed_fields: list[str],
    contacts: ChildChanges | None = None,
    locations: ChildChanges | None = None,
) -> bool:
    """Save the customer's changed details, contacts and addresses in one transaction with
    one audit row saying what changed. Returns whether anything changed."""
    _own(company, customer)
    contacts, locations = contacts or ChildChanges(), locations or ChildChanges()
    customer.name = " ".join((customer.name or "").split())
    if not customer.name:
        raise DomainError("Type the customer's name.", field="name")
    if changed_fields:
        customer.save(update_fields=[*changed_fields, "updated_at"])
    _save_contacts(company, customer, [*contacts.added, *contacts.changed])
    _save_locations(company, customer, [*locations.added, *locations.changed])
    parts = (
        [f"changed {', '.join(f.replace('_', ' ') for f in changed_fields)}"]
        if changed_fields
        else []
    )
    parts += contacts.words("contact") + locations.words("address")
    if not parts:
        return False
    audit_record(
        company=company,
        target=customer,
        verb=Verb.CUSTOMER_CHANGED,
        actor=actor,
        message=_sentence("; ".join(parts)),
        data={"fields": changed_fields},
    )
    return True


@transaction.atomic
def customer_notes_save(*, company: Company, actor: Actor, customer: Customer, notes: str) -> bool:
    """The staff-only notes (never shown in the portal). The audit row says that they changed
    and how long they are, not what they say: the History is a list, the notes a page."""
    _own(company, customer)
    notes = (notes or "").strip()
    if len(notes) > 10_000:
        raise DomainError("Please keep the notes under 10,000 characters.", field="notes")
    if notes == customer.internal_notes:
        return False
    customer.internal_notes = notes
    customer.save(update_fields=["internal_notes"])
    audit_record(
        company=company,
        target=customer,
        verb=Verb.CUSTOMER_NOTES_CHANGED,
        actor=actor,
        message="Staff notes changed" if notes else "Staff notes cleared",
        data={"length": len(notes)},
    )
    return True


@transaction.atomic
def customer_archive(*, company: Company, actor: Actor, customer: Customer) -> bool:
    """Leave the office's lists and search; invoices, jobs and the portal stay as they are.
    Archiving twice does nothing."""
    _own(company, customer)
    updated = (
        Customer.objects.for_company(company)
        .filter(pk=customer.pk, archived_at__isnull=True)
        .update(archived_at=timezone.now())
    )
    if updated:
        audit_record(
            company=company,
            target=customer,
            verb=Verb.CUSTOMER_ARCHIVED,
            actor=actor,
            message=f"Customer {customer.name} archived",
        )
    return bool(updated)


@transaction.atomic
def customer_restore(*, company: Company, actor: Actor, customer: Customer) -> bool:
    _own(company, customer)
    updated = (
        Customer.objects.for_company(company)
        .filter(pk=customer.pk, archived_at__isnull=False)
        .update(archived_at=None)
    )
    if updated:
        audit_record(
            company=company,
            target=customer,
            verb=Verb.CUSTOMER_RESTORED,
            actor=actor,
            message=f"Customer {customer.name} restored from the archive",
        )
    return bool(updated)


CUSTOMER_FIELDS = ("kind", "name", "billing_address", "internal_notes")
CONTACT_FIELDS = ("name", "email", "phone", "is_primary")
LOCATION_FIELDS = ("label", "street", "city", "region", "postal_code", "access_notes")


def _clean_customer(values: dict[str, Any]) -> dict[str, Any]:
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"]:
            raise DomainError("Type the customer's name.", field="name")
    if "kind" in values and values["kind"] not in CustomerKind.values:
        raise DomainError("Choose person or business.", field="kind")
    return values


def _only(values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    # An allow-list (SECURITY.md 14): company, customer or ids are never taken from input.
    return {name: value for name, value in values.items() if name in allowed}


@transaction.atomic
def customer_create_from_values(*, company: Company, actor: Actor, **values: Any) -> Customer:
    """The API's create: allow-listed field values, then the office's `customer_create`."""
    values = _clean_customer(_only(values, CUSTOMER_FIELDS))
    if "name" not in values:
        raise DomainError("Type the customer's name.", field="name")
    return customer_create(company=company, actor=actor, customer=Customer(**values))


@transaction.atomic
def customer_update_values(
    *, company: Company, customer: Customer, actor: Actor, **values: Any
) -> Customer:
    """The API's change: allow-listed field values, then the office's `customer_update`."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk, company=company)
    values = _clean_customer(_only(values, CUSTOMER_FIELDS))
    changed = [name for name, value in values.items() if getattr(customer, name) != value]
    for name in changed:
        setattr(customer, name, values[name])
    if changed:
        customer_update(company=company, actor=actor, customer=customer, changed_fields=changed)
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
