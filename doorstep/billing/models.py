"""Invoices and estimates with their line items. Money in integer minor units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from doorstep.core.models import TenantModel, TenantQuerySet


class LineBase(TenantModel):
    """A priced line; amount and tax are computed by the rounding rule in core.money."""

    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(
        max_digits=10,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unit_price = models.BigIntegerField(help_text="In cents. Negative for a discount line.")
    tax_rate = models.DecimalField(
        "Tax rate (%)",
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount = models.BigIntegerField(default=0, editable=False)
    tax_amount = models.BigIntegerField(default=0, editable=False)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def compute(self) -> None:
        from .totals import document_totals  # the one home of the rule (totals.py)

        (line,) = document_totals([self]).lines
        self.amount, self.tax_amount = line.amount, line.tax

    def __str__(self) -> str:
        return self.description


def positive_line_checks(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(quantity__gt=0), name=f"{prefix}_quantity_positive"),
        models.CheckConstraint(
            condition=Q(tax_rate__gte=0), name=f"{prefix}_tax_rate_not_negative"
        ),
    ]


def document_total_checks(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(subtotal__gte=0), name=f"{prefix}_subtotal_not_negative"
        ),
        models.CheckConstraint(condition=Q(tax__gte=0), name=f"{prefix}_tax_not_negative"),
        models.CheckConstraint(
            condition=Q(total=F("subtotal") + F("tax")), name=f"{prefix}_total_adds_up"
        ),
    ]


class InvoiceState(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    VOID = "void", "Void"


class InvoiceKind(models.TextChoices):
    STANDARD = "standard", "Standard"
    SERVICE_AGREEMENT = "service_agreement", "Service agreement"


class CustomerStatus(models.TextChoices):
    """What the customer sees; derived, never stored."""

    DRAFT = "draft", "Draft"
    UNPAID = "unpaid", "Unpaid"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    PAYMENT_PENDING = "payment_pending", "Payment pending"
    OVERDUE = "overdue", "Overdue"
    PAID = "paid", "Paid"
    VOID = "void", "Void"


class Invoice(TenantModel):
    number = models.PositiveIntegerField(editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="invoices"
    )
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    kind = models.CharField(
        max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.STANDARD
    )
    issue_date = models.DateField(default=date.today)
    due_date = models.DateField()
    currency = models.CharField(max_length=3)
    state = models.CharField(
        max_length=10, choices=InvoiceState.choices, default=InvoiceState.DRAFT, editable=False
    )
    notes = models.TextField(blank=True, help_text="Printed on the invoice.")
    # Totals are recomputed from the lines by billing.invoices.invoice_recalculate.
    subtotal = models.BigIntegerField(default=0, editable=False)
    tax = models.BigIntegerField(default=0, editable=False)
    total = models.BigIntegerField(default=0, editable=False)
    # Changed only in billing.balances, under a row lock (net of refunds).
    amount_paid = models.BigIntegerField(default=0, editable=False)
    balance_due = models.BigIntegerField(default=0, editable=False)
    # Money the bank has not confirmed yet (ACH): shown as "Payment pending".
    amount_pending = models.BigIntegerField(default=0, editable=False)
    partial_payments = models.BooleanField(
        null=True,
        blank=True,
        help_text="Allow partial payments for this invoice. Empty: the company setting.",
    )
    action_needed = models.BooleanField(
        default=False, editable=False, help_text="Autopay failed; the customer must pay."
    )
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    paid_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_viewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_viewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issue_date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="uniq_invoice_number"),
            *document_total_checks("invoice"),
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0), name="invoice_paid_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount_paid__lte=F("total")), name="invoice_not_overpaid"
            ),
            models.CheckConstraint(
                condition=Q(balance_due=F("total") - F("amount_paid")),
                name="invoice_balance_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(amount_pending__gte=0) & Q(amount_pending__lte=F("balance_due")),
                name="invoice_pending_within_balance",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("issue_date")), name="invoice_due_after_issue"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "customer", "-issue_date", "-number"]),
            models.Index(fields=["company", "customer", "state", "due_date"]),
            models.Index(fields=["company", "state", "due_date"]),
            # What a customer owes (billing/customer_balances.py): only the unpaid invoices,
            # a few per customer, whatever the history; balance_due rides along so the
            # refresh's sums read the index alone on PostgreSQL.
            models.Index(
                fields=["company", "customer", "due_date", "balance_due"],
                condition=Q(state=InvoiceState.OPEN, balance_due__gt=0),
                name="invoice_unpaid_by_customer",
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"INV-{self.number:04d}"

    def customer_status(self, today: date) -> CustomerStatus:
        """Paid, Payment pending, Overdue, Partially paid or Unpaid, in that order of precedence.

        `today` is the date in the company's timezone (tenancy.time.company_today): an invoice
        due on the 3rd becomes overdue at midnight where the company is, not in UTC.
        """
        if self.state == InvoiceState.VOID:
            return CustomerStatus.VOID
        if self.state == InvoiceState.DRAFT:
            return CustomerStatus.DRAFT
        if self.balance_due <= 0:
            return CustomerStatus.PAID
        if self.amount_pending > 0:
            return CustomerStatus.PAYMENT_PENDING
        if self.due_date < today:
            return CustomerStatus.OVERDUE
        if self.amount_paid > 0:
            return CustomerStatus.PARTIALLY_PAID
        return CustomerStatus.UNPAID


class LineItem(LineBase):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(LineBase.Meta):
        constraints = positive_line_checks("invoice_line")


class EstimateState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"


class EstimateQuerySet(TenantQuerySet):
    def open_for_decision(self, today: date) -> EstimateQuerySet:
        """Those the customer can still accept or decline (see Estimate.open_for_decision)."""
        return self.filter(state=EstimateState.SENT, expiry_date__gte=today)


EstimateManager = models.Manager.from_queryset(EstimateQuerySet)


class Estimate(TenantModel):
    number = models.PositiveIntegerField(editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="estimates"
    )
    location = models.ForeignKey(
        "customers.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="estimates",
    )
    title = models.CharField(max_length=200, blank=True)
    issue_date = models.DateField(default=date.today)
    expiry_date = models.DateField()
    currency = models.CharField(max_length=3)
    state = models.CharField(
        max_length=10, choices=EstimateState.choices, default=EstimateState.DRAFT, editable=False
    )
    notes = models.TextField(blank=True)
    subtotal = models.BigIntegerField(default=0, editable=False)
    tax = models.BigIntegerField(default=0, editable=False)
    total = models.BigIntegerField(default=0, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    signature_name = models.CharField(max_length=200, blank=True, editable=False)
    signature_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    # The words the customer agreed to when signing, as they read them then (ACCEPTANCE_TERMS in
    # billing/estimates.py may change later; the signed copy must not).
    accepted_terms = models.TextField(blank=True, editable=False)
    decline_reason = models.TextField(blank=True, editable=False)
    job = models.ForeignKey(
        "jobs.Job",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="estimates",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[EstimateManager] = EstimateManager()

    class Meta:
        ordering = ["-issue_date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="uniq_estimate_number"),
            *document_total_checks("estimate"),
            models.CheckConstraint(
                condition=Q(expiry_date__gte=F("issue_date")), name="estimate_expires_after_issue"
            ),
        ]
        indexes = [models.Index(fields=["company", "customer", "-issue_date"])]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"EST-{self.number:04d}"

    def open_for_decision(self, today: date) -> bool:
        """The customer can still accept or decline: sent, and not past its expiry date.

        `today` is the date in the company's timezone (tenancy.time.company_today): an
        estimate valid until the 3rd can be accepted until midnight where the company is.
        """
        return self.state == EstimateState.SENT and self.expiry_date >= today

    def expired_for_decision(self, today: date) -> bool:
        """Too late to decide: marked expired, or sent and past its expiry date."""
        return self.state == EstimateState.EXPIRED or (
            self.state == EstimateState.SENT and self.expiry_date < today
        )


class EstimateLineItem(LineBase):
    estimate = models.ForeignKey(Estimate, on_delete=models.CASCADE, related_name="lines")

    class Meta(LineBase.Meta):
        constraints = positive_line_checks("estimate_line")


class EstimateComment(TenantModel):
    """A question or remark on an estimate, from the customer (portal) or staff."""

    estimate = models.ForeignKey(Estimate, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(max_length=2000)
    author_label = models.CharField(max_length=200)
    from_customer = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author_label}"


class InvoicePdf(TenantModel):
    """A rendered invoice PDF, reused until the invoice's data or the template changes.

    Keyed by (invoice, template_version, checksum of everything printed on the page), so a
    paid invoice, a new line or a new logo makes a new file and an unchanged invoice is
    rendered once however often it is downloaded or emailed.
    """

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="pdfs")
    template_version = models.PositiveSmallIntegerField()
    checksum = models.CharField(max_length=64)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "template_version", "checksum"], name="uniq_invoice_pdf"
            )
        ]

    def __str__(self) -> str:
        return f"PDF of invoice {self.invoice_id} v{self.template_version}"


class CustomerBalance(TenantModel):
    """What one customer owes, kept up to date by the services that change an invoice
    (billing/customer_balances.py: balance_refresh) so a portal page reads one row instead of
    adding up invoices. Never edited by hand: `manage.py balances_refresh` rebuilds it.

    "Overdue" depends on the day: the overdue figures are those of `overdue_as_of` (the
    company's date) and still hold on any later day up to `next_unpaid_due`, the first unpaid
    due date not yet passed then (none: they hold for good). A reader on a later day refreshes
    the row first (customer_balances.balance_read)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", editable=False
    )
    due_minor = models.BigIntegerField(default=0, editable=False)
    unpaid_count = models.PositiveIntegerField(default=0, editable=False)
    overdue_minor = models.BigIntegerField(default=0, editable=False)
    overdue_count = models.PositiveIntegerField(default=0, editable=False)
    earliest_unpaid_due = models.DateField(null=True, blank=True, editable=False)
    next_unpaid_due = models.DateField(null=True, blank=True, editable=False)
    overdue_as_of = models.DateField(editable=False)
    refreshed_at = models.DateTimeField(editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "customer"], name="uniq_customer_balance"),
            models.CheckConstraint(
                condition=Q(overdue_minor__gte=0) & Q(overdue_minor__lte=F("due_minor")),
                name="customer_balance_overdue_within_due",
            ),
            models.CheckConstraint(
                condition=Q(overdue_count__lte=F("unpaid_count")),
                name="customer_balance_overdue_count_within_unpaid",
            ),
        ]

    def __str__(self) -> str:
        return f"Balance of customer {self.customer_id}: {self.due_minor}"
