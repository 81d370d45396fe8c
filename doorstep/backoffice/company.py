"""Back office: the company, its settings and its staff. Staff see only their own companies;
only owners change the company, its settings and its staff (doorstep.tenancy.roles)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from doorstep.billing.models import InvoiceKind
from doorstep.core.errors import DomainError
from doorstep.tenancy.branding import branding_image_checked
from doorstep.tenancy.models import Company, CompanySettings, Membership
from doorstep.tenancy.roles import StaffAction

from .secret_fields import WriteOnlySecretsInline, secret_state
from .tenant_admin import staff_companies, staff_may_on

VIEW, EDIT_SETTINGS, MANAGE_STAFF = (
    StaffAction.VIEW_OFFICE,
    StaffAction.EDIT_SETTINGS,
    StaffAction.MANAGE_STAFF,
)


class CompanySettingsInline(WriteOnlySecretsInline, admin.StackedInline):
    model = CompanySettings
    can_delete = False
    secret_fields = ("twilio_auth_token",)
    fieldsets = [
        (
            "Portal and sign-in",
            {
                "fields": [
                    "portal_enabled",
                    "service_requests_enabled",
                    "sign_in_mode",
                    "login_link_minutes",
                    "registration_policy",
                ]
            },
        ),
        (
            "Payments",
            {
                "fields": [
                    "payment_provider",
                    "stripe_account_id",
                    "platform_fee_basis_points",
                    "partial_payments_allowed",
                    "partial_payment_minimum",
                    "ach_enabled",
                    "autopay_enabled",
                    "autopay_invoice_kinds",
                ]
            },
        ),
        (
            "Text messages",
            {
                "fields": [
                    "sms_enabled",
                    "twilio_account_sid",
                    "twilio_auth_token",
                    "twilio_from_number",
                    "quiet_hours_start",
                    "quiet_hours_end",
                ]
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "autopay_invoice_kinds":
            # Ticked boxes, not JSON typed by hand: `5` or `"abc"` was saved as typed and broke
            # every page that reads the list.
            return forms.MultipleChoiceField(
                label="Autopay invoice kinds",
                choices=InvoiceKind.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=db_field.help_text,
                error_messages={"invalid_choice": "Tick one of the invoice kinds listed."},
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The platform fee is the platform's business, not the company's.
        fields = list(super().get_readonly_fields(request, obj))  # + the secrets' state lines
        return fields if request.user.is_superuser else [*fields, "platform_fee_basis_points"]

    @admin.display(description="Twilio auth token")
    def twilio_auth_token_state(self, obj: CompanySettings | None) -> str:
        return secret_state(obj.twilio_auth_token if obj else "")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return staff_may_on(request, VIEW, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and staff_may_on(request, EDIT_SETTINGS, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return staff_may_on(request, VIEW, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and staff_may_on(request, MANAGE_STAFF, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and staff_may_on(request, MANAGE_STAFF, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.remote_field.model._default_manager.filter(
                memberships__company__in=staff_companies(request, MANAGE_STAFF)
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = [
            "name",
            "slug",
            "address",
            "timezone",
            "locale",
            "currency",
            "logo",
            "accent_color",
            "welcome_message",
            "support_phone",
            "support_email",
            "billing_email",
        ]

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo and logo is not getattr(self.instance, "logo", None) and hasattr(logo, "size"):
            try:
                logo = branding_image_checked(logo, company_id=self.instance.pk or 0, folder="logo")
            except DomainError as error:
                raise forms.ValidationError(error.message) from error
        return logo


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    form = CompanyForm
    list_display = ["name", "slug", "timezone", "currency", "support_email"]
    search_fields = ["name", "slug", "support_email"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CompanySettingsInline, MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "address"]}),
        ("Where and how", {"fields": ["timezone", "locale", "currency"]}),
        (
            "Branding",
            {"fields": ["logo", "accent_color", "welcome_message"]},
        ),
        ("Contact", {"fields": ["support_phone", "support_email", "billing_email"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Company]:
        return staff_companies(request).select_related("settings")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The slug is in every portal link already sent: only the platform changes it.
        return () if request.user.is_superuser else ("slug",)

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.prepopulated_fields if request.user.is_superuser else {}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return staff_may_on(request, VIEW)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return staff_may_on(request, VIEW, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return staff_may_on(request, EDIT_SETTINGS, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        # A company always has its settings row, even when the inline was left untouched.
        CompanySettings.objects.get_or_create(company=form.instance)  # scope: its own row
