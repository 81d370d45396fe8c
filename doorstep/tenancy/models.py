"""The tenant: a service company, its portal settings, and the staff who work for it."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Choose a time zone such as America/New_York.")


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1f6feb.")


class Company(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in the portal address.")
    timezone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_timezone]
    )
    locale = models.CharField(max_length=16, default="en_US", help_text="e.g. en_US, en_CA, fr_CA")
    currency = models.CharField(max_length=3, default="USD")
    # Branding
    logo = models.ImageField(upload_to="branding/", blank=True)
    # A wide picture across the top of the portal's home page (optional).
    banner = models.ImageField(upload_to="branding/", blank=True)
    accent_color = models.CharField(max_length=7, default="#1f6feb", validators=[hex_colour])
    welcome_message = models.TextField(blank=True)
    support_phone = models.CharField(max_length=40, blank=True)
    support_email = models.EmailField(blank=True)
    billing_email = models.EmailField(
        blank=True, help_text="Billing inbox: told about failed payments and other money matters."
    )
    address = models.TextField(blank=True, help_text="Printed on invoices and estimates.")
    pdf_terms = models.TextField(
        "Terms on invoices and estimates",
        blank=True,
        help_text="Printed under the lines of every invoice and estimate PDF.",
    )
    pdf_footer = models.CharField(
        "PDF footer",
        max_length=300,
        blank=True,
        help_text="One line at the bottom of every PDF page (licence number, bank details...).",
    )
    # The operator's choice (tenancy/plans.py); empty: the installation's default plan
    # (DOORSTEP_DEFAULT_PLAN, every feature unless the operator says otherwise).
    plan = models.CharField(max_length=20, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SignInMode(models.TextChoices):
    PASSWORDLESS = "passwordless", "Emailed sign-in links only"
    PASSWORD = "password", "Passwords only"
    BOTH = "both", "Sign-in links or passwords"


class RegistrationPolicy(models.TextChoices):
    REJECT = "reject", "Reject unknown emails"
    STAFF_APPROVAL = "staff_approval", "Queue unknown emails for staff approval"


class PaymentProviderName(models.TextChoices):
    DEMO = "demo", "Demo (offline, no real money)"
    STRIPE = "stripe", "Stripe"


class CompanySettings(models.Model):
    """Switches and knobs a company controls. One row per company, created with it."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="settings")

    # Portal and access
    portal_enabled = models.BooleanField(default=True)
    service_requests_enabled = models.BooleanField("Enable customer service requests", default=True)
    # Which sections of the portal customers see. Requests has two switches: the section
    # (history included) and, above, whether new requests are taken online.
    # Read through tenancy/features.py, the one place that also asks the company's plan.
    jobs_section_enabled = models.BooleanField("Customers see their jobs", default=True)
    invoices_section_enabled = models.BooleanField("Customers see their invoices", default=True)
    estimates_section_enabled = models.BooleanField("Customers see their estimates", default=True)
    documents_section_enabled = models.BooleanField("Customers see shared documents", default=True)
    messages_section_enabled = models.BooleanField("Customers can message the office", default=True)
    requests_section_enabled = models.BooleanField(
        "Customers see their service requests", default=True
    )
    login_link_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="How long an emailed sign-in link works (at most 60 minutes).",
    )
    sign_in_mode = models.CharField(
        max_length=20, choices=SignInMode.choices, default=SignInMode.PASSWORDLESS
    )
    registration_policy = models.CharField(
        max_length=20, choices=RegistrationPolicy.choices, default=RegistrationPolicy.REJECT
    )

    # Payments
    payment_provider = models.CharField(
        max_length=20, choices=PaymentProviderName.choices, default=PaymentProviderName.DEMO
    )
    stripe_account_id = models.CharField(
        max_length=64, blank=True, help_text="Connected Stripe account (acct_...)."
    )
    platform_fee_basis_points = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(1000)],
        help_text="Override of the platform fee in hundredths of a percent (150 = 1.5%). "
        "Empty: the platform default.",
    )
    partial_payments_allowed = models.BooleanField(default=False)
    partial_payment_minimum = models.PositiveIntegerField(
        default=1000, help_text="Smallest partial payment, in cents."
    )
    ach_enabled = models.BooleanField("Offer ACH bank debit", default=False)
    autopay_enabled = models.BooleanField(default=True)
    autopay_invoice_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="Invoice kinds autopay may charge; empty means every kind.",
    )

    # Text messages
    sms_enabled = models.BooleanField(default=False)
    twilio_account_sid = models.CharField(max_length=64, blank=True)
    twilio_auth_token = models.CharField(max_length=64, blank=True)
    twilio_from_number = models.CharField(max_length=20, blank=True)
    quiet_hours_start = models.TimeField(default="21:00")
    quiet_hours_end = models.TimeField(default="08:00")
    # {event: {"email": bool, "sms": bool}} for customers who have not chosen themselves;
    # an event not listed keeps its built-in default (notifications/events.py).
    notification_defaults = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "company settings"
        verbose_name_plural = "company settings"

    def __str__(self) -> str:
        return f"Settings of {self.company}"


class StaffRole(models.TextChoices):
    OWNER = "owner", "Owner"
    OFFICE = "office", "Office"
    BILLING = "billing", "Billing"
    TECHNICIAN = "technician", "Technician"


class Membership(models.Model):
    """A staff user works for a company in a role. A user may belong to several companies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=StaffRole.choices, default=StaffRole.OFFICE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "company"], name="uniq_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.role})"
