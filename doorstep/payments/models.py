"""Money received: payments, how each is split across invoices, and refunds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from doorstep.core.models import TenantModel


def provider_key(kind: str, *parts: object) -> str:
    """An idempotency key for the provider: our installation, the kind of request and our
    own row ids. The installation id keeps two installations that share a Stripe account
    (whose row ids overlap) from replaying each other's requests."""
    tail = "-".join(str(part) for part in parts)
    return f"doorstep-{settings.DOORSTEP_INSTALLATION_ID}-{kind}-{tail}"


class PaymentMethod(models.TextChoices):
    CARD = "card", "Card"
    ACH = "ach", "Bank transfer (ACH)"
    CASH = "cash", "Cash"
    CHECK = "check", "Check"
    # Money wired to the company's bank account and recorded by staff (ACH above is a debit
    # the customer starts in the portal).
    TRANSFER = "transfer", "Bank transfer"
    OTHER = "other", "Other"


class PaymentState(models.TextChoices):
    PENDING = "pending", "Pending"  # created, waiting for the customer / provider
    REQUIRES_ACTION = "requires_action", "Needs confirmation"  # 3-D Secure and the like
    PROCESSING = "processing", "Processing"  # ACH: the bank has not confirmed yet
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


IN_FLIGHT_STATES = (PaymentState.PENDING, PaymentState.REQUIRES_ACTION, PaymentState.PROCESSING)
FINAL_STATES = (PaymentState.SUCCEEDED, PaymentState.FAILED, PaymentState.CANCELLED)


class PaymentSource(models.TextChoices):
    CHECKOUT = "checkout", "Customer checkout"
    AUTOPAY = "autopay", "Autopay"
    MANUAL = "manual", "Recorded by staff"
    # A saved card charged by staff for a customer on the phone (the card's consent allows it).
    OFFICE = "office", "Charged by staff"


class Payment(TenantModel):
    """One attempt to take money. Created before the provider is called: its id is the
    idempotency key, so a retry never charges twice. A declined attempt stays as a failed row
    (staff see it); the customer's next try is a new row."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.BigIntegerField(help_text="In cents.")
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    state = models.CharField(
        max_length=20, choices=PaymentState.choices, default=PaymentState.PENDING
    )
    provider = models.CharField(max_length=20, blank=True, help_text="Empty: recorded by staff.")
    provider_reference = models.CharField(max_length=100, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    fee_amount = models.BigIntegerField(default=0, help_text="Provider + platform fees, cents.")
    platform_fee_amount = models.BigIntegerField(default=0)
    amount_refunded = models.BigIntegerField(default=0, editable=False)
    failure_message = models.CharField(max_length=300, blank=True)
    failure_code = models.CharField(max_length=60, blank=True)
    provider_mismatch = models.CharField(
        max_length=300,
        blank=True,
        help_text="The provider reported an amount or currency this attempt never asked for; "
        "that report was not applied. Check the payment at the provider.",
    )
    source = models.CharField(
        max_length=10, choices=PaymentSource.choices, default=PaymentSource.MANUAL
    )
    payer_email = models.EmailField(blank=True, help_text="Where the receipt goes.")
    provider_method_ref = models.CharField(max_length=100, blank=True)
    save_method = models.BooleanField(
        default=False, help_text="The customer ticked 'Save this card' (portal only)."
    )
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    # A bank debit needs the account holder's authorisation (ach_mandate.py): what they
    # agreed to, word for word, with its version and SHA-256, when, from where.
    ach_account_holder = models.CharField(max_length=200, blank=True)
    mandate_version = models.CharField(max_length=20, blank=True)
    mandate_text = models.TextField(blank=True)
    mandate_sha256 = models.CharField(max_length=64, blank=True)
    mandate_accepted_at = models.DateTimeField(null=True, blank=True)
    mandate_ip = models.GenericIPAddressField(null=True, blank=True)
    mandate_user_agent = models.CharField(max_length=300, blank=True)
    saved_method = models.ForeignKey(
        "payments.SavedPaymentMethod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payments",
    )
    autopay_invoice = models.OneToOneField(
        "billing.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="autopay_payment",
        help_text="Set on the one autopay charge an invoice may ever get.",
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    # The office form's one-time key: a double click or a resubmitted page records once.
    request_key = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "request_key"],
                condition=~Q(request_key=""),
                name="uniq_payment_request_key",
            ),
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

    @property
    def idempotency_key(self) -> str:
        return provider_key("payment", self.pk)

    @property
    def refundable_amount(self) -> int:
        return self.amount - self.amount_refunded if self.state == PaymentState.SUCCEEDED else 0

    @property
    def method_label(self) -> str:
        if self.card_brand and self.card_last4:
            return f"{self.card_brand.title()} ending {self.card_last4}"
        if self.method == PaymentMethod.ACH and self.card_last4:
            return f"Bank account ending {self.card_last4}"
        return self.get_method_display()


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


class RefundState(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Refund(TenantModel):
    """Money given back on a payment. Created before the provider call (idempotency key)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField(help_text="In cents.")
    state = models.CharField(
        max_length=10, choices=RefundState.choices, default=RefundState.PENDING
    )
    refund_application_fee = models.BooleanField(
        default=False, help_text="Give the platform fee back to the company too."
    )
    provider_reference = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The office form's one-time key: a double click or a resubmitted page refunds once.
    request_key = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "request_key"],
                condition=~Q(request_key=""),
                name="uniq_refund_request_key",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Refund #{self.pk} ({self.get_state_display()})"

    @property
    def idempotency_key(self) -> str:
        return provider_key("refund", self.pk)


class ProviderCustomer(TenantModel):
    """Our customer as the provider knows them (a Stripe Customer), for saved cards."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="provider_customers"
    )
    provider = models.CharField(max_length=20)
    account = models.CharField(max_length=64, blank=True, help_text="Connected account, if any.")
    reference = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "customer", "provider", "account"],
                name="uniq_provider_customer",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class SavedPaymentMethod(TenantModel):
    """A card kept at the provider for later. We hold only a reference, brand, last 4, expiry
    and the consent the customer gave."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="saved_methods"
    )
    provider = models.CharField(max_length=20)
    provider_customer_ref = models.CharField(max_length=100)
    provider_method_ref = models.CharField(max_length=100)
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField(default=0)
    exp_year = models.PositiveSmallIntegerField(default=0)
    consent_text = models.TextField()
    consented_at = models.DateTimeField()
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "provider", "provider_method_ref"], name="uniq_saved_method"
            )
        ]
        indexes = [models.Index(fields=["company", "customer", "removed_at"])]

    def __str__(self) -> str:
        return f"{self.brand.title()} ending {self.last4}"

    @property
    def expiry(self) -> str:
        return f"{self.exp_month:02d}/{self.exp_year % 100:02d}"


class AutopayConsent(TenantModel):
    """The customer's yes to charging a saved card when an invoice is sent."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="autopay_consents"
    )
    saved_method = models.ForeignKey(
        SavedPaymentMethod, on_delete=models.CASCADE, related_name="autopay_consents"
    )
    consent_text = models.TextField()
    consented_at = models.DateTimeField()
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-consented_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "customer"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_autopay_per_customer",
            )
        ]

    def __str__(self) -> str:
        return f"Autopay for {self.customer_id}"


class WebhookEvent(models.Model):
    """The inbox: every verified provider event, stored once by its id, handled by a task."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=80)
    account = models.CharField(max_length=64, blank=True)
    company = models.ForeignKey(
        "tenancy.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="uniq_webhook_event")
        ]
        indexes = [models.Index(fields=["handled_at"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id}"


class WebhookRejection(models.Model):
    """A webhook we refused (bad or missing signature, stale timestamp): the audit trail."""

    provider = models.CharField(max_length=20)
    reason = models.CharField(max_length=200)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    body_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.provider}: {self.reason}"


class DemoIntent(TenantModel):
    """The demo provider's own ledger: what a real provider would keep on its side."""

    reference = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=10)
    method_ref = models.CharField(max_length=100)
    status = models.CharField(max_length=30)
    client_secret = models.CharField(max_length=80)
    failure_code = models.CharField(max_length=60, blank=True)
    settle_at = models.DateTimeField(null=True, blank=True, help_text="ACH: when the bank answers.")
    metadata = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.reference
