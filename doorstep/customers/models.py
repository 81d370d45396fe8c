"""Who the company serves: customers, the people to contact, and the places to work at."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from doorstep.core.models import TenantModel


class CustomerKind(models.TextChoices):
    PERSON = "person", "Person"
    BUSINESS = "business", "Business"


class Customer(TenantModel):
    kind = models.CharField(
        max_length=10, choices=CustomerKind.choices, default=CustomerKind.PERSON
    )
    name = models.CharField(max_length=200, help_text="Person's full name or business name.")
    billing_address = models.TextField(blank=True)
    internal_notes = models.TextField(
        blank=True, help_text="Staff only: never shown to the customer."
    )
    # Archived customers leave the office's lists and search; nothing of theirs is deleted.
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Messages from the office the customer has not read yet, over all conversations: the
    # portal's navigation badge reads it off the session's one query (kept by
    # messaging/services.py with Conversation.customer_unread).
    unread_messages = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Also touched when a contact or location changes (customers/sync_stamps.py): an incremental
    # sync (API `updated_since`) then sees the customer, which carries both.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["company", "name"]),
            # The API's cursor order (doorstep/api/pagination.py).
            models.Index(fields=["company", "updated_at", "id"], name="customer_sync_order"),
        ]
        constraints = [
            # Lets children carry a composite FK-like check (company, customer) in services.
            models.UniqueConstraint(fields=["company", "id"], name="uniq_customer_company_id"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.kind == CustomerKind.PERSON and self.name else self.name

    def greeting_name(self, contact: Contact | None = None) -> str:
        """Who a page or an email says hello to. A person by first name; a business by the
        first name of the contact reading it ("Hello Zoë", not "Hello O'Brien & Sons
        Plumbing"), and by its name only when that contact has no name on file."""
        if self.kind == CustomerKind.BUSINESS and contact is not None and contact.name.strip():
            return contact.name.split()[0]
        return self.first_name


class Contact(TenantModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_primary=True),
                name="one_primary_contact_per_customer",
            ),
        ]
        indexes = [models.Index(fields=["company", "email"])]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name

    @property
    def email_address(self) -> str:
        """The address as portal accounts and links compare it: trimmed, lower case."""
        return (self.email or "").strip().lower()


class Location(TenantModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="locations")
    label = models.CharField(max_length=100, blank=True, help_text="e.g. Home, Rental, Warehouse")
    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    region = models.CharField("State / province", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    access_notes = models.TextField(blank=True, help_text="Gate codes, pets, parking.")

    class Meta:
        ordering = ["label", "street"]

    def __str__(self) -> str:
        return self.one_line

    @property
    def one_line(self) -> str:
        tail = " ".join(p for p in [self.region, self.postal_code] if p)
        return ", ".join(p for p in [self.street, self.city, tail] if p)
