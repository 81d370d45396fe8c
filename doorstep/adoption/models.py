"""The portal-adoption ledger: what customers (and staff, for comparison) did, append-only,
and the daily figures rolled up from it (docs/adoption.md defines every word used here)."""

from __future__ import annotations

from typing import Any

from django.db import models

from doorstep.core.models import ActorType, TenantModel


class ActivityVerb(models.TextChoices):
    INVITED = "invited", "Invited (sign-in link or invitation sent)"
    SIGNED_IN = "signed_in", "Signed in"
    LINK_FETCHED = "link_fetched", "Sign-in link page fetched"
    INVOICE_SENT = "invoice_sent", "Invoice sent"
    INVOICE_RESENT = "invoice_resent", "Invoice sent again"
    INVOICE_FETCHED = "invoice_fetched", "Invoice link page fetched"
    INVOICE_OPENED = "invoice_opened", "Invoice opened"
    INVOICE_PAID = "invoice_paid", "Invoice paid in full"
    ESTIMATE_SENT = "estimate_sent", "Estimate sent"
    ESTIMATE_VIEWED = "estimate_viewed", "Estimate viewed"
    ESTIMATE_ACCEPTED = "estimate_accepted", "Estimate accepted"
    ESTIMATE_DECLINED = "estimate_declined", "Estimate declined"
    PAYMENT_STARTED = "payment_started", "Payment started"
    PAYMENT_PENDING = "payment_pending", "Bank payment pending"
    PAYMENT_SETTLED = "payment_settled", "Payment settled"
    REQUEST_SUBMITTED = "request_submitted", "Service request submitted"
    MESSAGE_SENT = "message_sent", "Message sent"


class Channel(models.TextChoices):
    """Where it happened. For payments: who started it (portal session and invoice link are
    the customer: "portal-driven")."""

    PORTAL = "portal", "Portal (signed in)"
    INVOICE_LINK = "invoice_link", "Invoice link"
    AUTOPAY = "autopay", "Autopay"
    OFFICE = "office", "Office (staff)"
    API = "api", "API"
    EMAIL = "email", "Email"


PORTAL_DRIVEN = (Channel.PORTAL, Channel.INVOICE_LINK)


class Activity(TenantModel):
    """One thing that happened, written by the service that did it, in its transaction.

    Append-only: a row is never changed or deleted (except with its company or customer).
    `cohort_on` is the company-local date the object was first sent (a resend is not a new
    invoice) and `latency_seconds` the time from that first send, for opens, views, decisions
    and payments in full. `first` marks the first open/view of the object; `scanner` marks a
    fetch that a mail scanner made (never an open)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, null=True, related_name="+"
    )
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, null=True, related_name="+"
    )
    object_type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    verb = models.CharField(max_length=30, choices=ActivityVerb.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    actor_type = models.CharField(max_length=10, choices=ActorType.choices)
    occurred_at = models.DateTimeField()
    scanner = models.BooleanField(default=False)
    first = models.BooleanField(default=False)
    cohort_on = models.DateField(null=True)
    latency_seconds = models.BigIntegerField(null=True)
    amount = models.BigIntegerField(default=0, help_text="Payments: cents.")
    detail = models.CharField(max_length=200, blank=True, help_text="A decline's reason.")

    class Meta:
        indexes = [
            models.Index(fields=["company", "occurred_at"], name="activity_company_time"),
            models.Index(
                fields=["company", "object_type", "object_id"], name="activity_company_object"
            ),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("The activity ledger is append-only.")
        super().save(*args, **kwargs)


class CustomerReach(TenantModel):
    """Per customer, when the portal first reached them: invited, first and last sign-in.
    Kept by the ledger's writer so the page counts customers, not history."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="portal_reach"
    )
    invited_at = models.DateTimeField(null=True)
    activated_at = models.DateTimeField(null=True)
    last_signed_in_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "customer"], name="uniq_reach_customer")
        ]


class DailyFigure(TenantModel):
    """The ledger counted per company-local day and kind of row; rebuilt whole per day."""

    day = models.DateField()
    verb = models.CharField(max_length=30)
    channel = models.CharField(max_length=20, blank=True)
    scanner = models.BooleanField(default=False)
    first = models.BooleanField(default=False)
    cohort_month = models.DateField(null=True)
    latency_bucket = models.SmallIntegerField(null=True)
    count = models.IntegerField()
    amount = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["company", "day"], name="figure_company_day"),
            models.Index(fields=["company", "cohort_month"], name="figure_company_cohort"),
        ]


class RollupProgress(TenantModel):
    """The last company-local day whose figures are complete."""

    rolled_through = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company"], name="uniq_rollup_company")]


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class DigestSetting(TenantModel):
    """Whether the owners get the weekly adoption email, and on which (company-local) weekday.
    No row = off: the digest is opt-in."""

    enabled = models.BooleanField(default=False)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company"], name="uniq_digest_company")]


class DigestSent(TenantModel):
    """One row per company and ISO week whose digest was queued: the second run of the week
    hits the unique constraint and sends nothing."""

    week = models.DateField()  # the Monday of the company-local ISO week
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "week"], name="uniq_digest_week")]
