"""Money received: payments, how each is split across invoices, and refunds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from doorstep.core.models import TenantModel


class PaymentMethod(models.TextChoices):
    CARD = "card", "Card"
    ACH = "ach", "Bank transfer (ACH)"
    CASH = "cash", "Cash"
    CHECK = "check", "Check"
    OTHER = "other", "Other"


class PaymentState(models.TextChoices):
    PENDING = "pending", "Pending"  # created, waiting for the customer / provider
    PROCESSING = "processing", "Processing"  # ACH: the bank has not confirmed yet
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Payment(TenantModel):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.BigIntegerField(help_text="In cents.")
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    state = models.CharField(
        max_length=12, choices=PaymentState.choices, default=PaymentState.PENDING
    )
    provider = models.CharField(max_length=20, blank=True, help_text="Empty: recorded by staff.")
    provider_reference = models.CharField(max_length=100, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    fee_amount = models.BigIntegerField(default=0, help_text="Provider + platform fees, cents.")
    platform_fee_amount = models.BigIntegerField(default=0)
    amount_refunded = models.BigIntegerField(default=0, editable=False)
    failure_message = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0) & Q(amount_refunded__lte=models.F("amount")),
                name="payment_refund_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "customer", "-created_at"]),
            models.Index(fields=["company", "state"]),
        ]

    def __str__(self) -> str:
        return f"Payment #{self.pk} ({self.get_state_display()})"

    @property
    def net_amount(self) -> int:
        return self.amount - self.fee_amount - self.amount_refunded


class PaymentAllocation(TenantModel):
    """How much of a payment went to one invoice. A payment may cover several invoices."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.PROTECT, related_name="allocations"
    )
    amount = models.BigIntegerField()
    amount_refunded = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.UniqueConstraint(fields=["payment", "invoice"], name="uniq_allocation"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} to invoice {self.invoice_id}"
