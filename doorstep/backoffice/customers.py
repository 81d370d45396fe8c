"""Back office: customers with their contacts, service locations and Portal Access section,
and the phone numbers they verified and the notifications they chose (both read-only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from doorstep.customers.models import Contact, Customer, Location
from doorstep.notifications.models import CustomerPhone, NotificationPreference
from doorstep.tenancy.roles import StaffAction

from .forms import TenantForm
from .history import AuditedAdmin
from .portal_access import PORTAL_ACCESS_CHANGE_FORM, PortalAccessAdminMixin
from .tenant_admin import TenantAdmin, TenantInline


class ContactFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        primaries = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("is_primary")
            and not form.cleaned_data.get("DELETE")
        ]
        if len(primaries) > 1:
            for form in primaries[1:]:
                form.add_error("is_primary", "Only one contact can be the primary contact.")


class ContactInline(TenantInline):
    model = Contact
    formset = ContactFormSet
    fields = ["name", "email", "phone", "is_primary"]
    extra = 0


class LocationInline(TenantInline):
    model = Location
    fields = ["label", "street", "city", "region", "postal_code", "access_notes"]
    extra = 0
    # One line per location: a short notes box keeps the table readable.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 16})},
    }


@admin.register(Customer)
class CustomerAdmin(PortalAccessAdminMixin, AuditedAdmin):
    change_form_template = PORTAL_ACCESS_CHANGE_FORM
    form = TenantForm
    inlines = [ContactInline, LocationInline]
    list_display = ["name", "kind", "primary_email", "location_count", "created_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["name", "contacts__email", "contacts__phone", "locations__street"]
    fieldsets = [
        (None, {"fields": ["company", "kind", "name", "billing_address"]}),
        ("Staff only", {"fields": ["internal_notes"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return (
            super()
            .get_queryset(request)
            .annotate(location_total=Count("locations", distinct=True))
            .prefetch_related("contacts")
            .order_by("name", "id")
        )

    @admin.display(description="Email")
    def primary_email(self, obj: Customer) -> str:
        contacts = sorted(obj.contacts.all(), key=lambda c: (not c.is_primary, c.name))
        return next((c.email for c in contacts if c.email), "")

    @admin.display(description="Locations", ordering="location_total")
    def location_count(self, obj: Any) -> int:
        return int(obj.location_total)


@admin.register(Location)
class LocationAdmin(AuditedAdmin):
    """Reached from a customer's page; registered so job forms can search locations."""

    form = TenantForm
    list_display = ["one_line", "label", "customer"]
    list_select_related = ["customer"]
    search_fields = ["street", "city", "postal_code", "customer__name"]
    autocomplete_fields = ["customer"]
    fields = [
        "company",
        "customer",
        "label",
        "street",
        "city",
        "region",
        "postal_code",
        "access_notes",
    ]

    def get_model_perms(self, request: HttpRequest) -> dict[str, bool]:
        return {}  # not in the menu: edited inline on the customer


@admin.register(CustomerPhone)
class CustomerPhoneAdmin(TenantAdmin):
    view_action = change_action = StaffAction.MESSAGE_CUSTOMERS
    list_display = ["customer", "phone", "verified_at", "opted_out_at"]
    search_fields = ["phone", "customer__name"]
    readonly_fields = ["customer", "phone", "verified_at", "opted_out_at", "code_sent_at"]
    exclude = ["code_hash", "code_attempts"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the customer can prove a number is theirs


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(TenantAdmin):
    view_action = change_action = StaffAction.MESSAGE_CUSTOMERS
    list_display = ["customer", "event", "email", "sms", "updated_at"]
    list_filter = ["event"]
    readonly_fields = ["customer", "event", "email", "sms"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # customers choose for themselves
