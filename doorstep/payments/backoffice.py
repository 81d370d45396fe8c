"""Pieces for the billing admin (wired by the lead; billing/admin.py is not ours).

from doorstep.payments.backoffice import InvoicePaymentsInline, invoice_refund_links
class InvoiceAdmin(TenantAdmin):
    inlines = [..., InvoicePaymentsInline]
    readonly_fields = [..., "refund_links"]
    refund_links = invoice_refund_links
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from doorstep.backoffice.tenant_admin import TenantInline
from doorstep.core.money import format_money

from .admin import MoneyPermissions
from .models import PaymentAllocation, PaymentState


class InvoicePaymentsInline(MoneyPermissions, TenantInline):
    """Every payment attempt on the invoice (failed ones too), with reference, fee and net."""

    model = PaymentAllocation
    fk_name = "invoice"
    verbose_name = "payment"
    verbose_name_plural = "payments & refunds"
    fields = ("payment_link", "state", "amount_display", "method", "reference", "fee", "net")
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("payment")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Payment")
    def payment_link(self, obj: PaymentAllocation) -> str:
        url = reverse("admin:payments_payment_change", args=[obj.payment_id])
        return format_html(
            '<a href="{}">#{} · {:%Y-%m-%d %H:%M}</a>', url, obj.payment_id, obj.payment.created_at
        )

    @admin.display(description="State")
    def state(self, obj: PaymentAllocation) -> str:
        return PaymentState(obj.payment.state).label

    @admin.display(description="Amount")
    def amount_display(self, obj: PaymentAllocation) -> str:
        text = format_money(obj.amount, obj.payment.currency)
        if obj.amount_refunded:
            text += f" (refunded {format_money(obj.amount_refunded, obj.payment.currency)})"
        return text

    @admin.display(description="Method")
    def method(self, obj: PaymentAllocation) -> str:
        return obj.payment.method_label

    @admin.display(description="Reference")
    def reference(self, obj: PaymentAllocation) -> str:
        return obj.payment.provider_reference or "—"

    @admin.display(description="Fee")
    def fee(self, obj: PaymentAllocation) -> str:
        return format_money(obj.payment.fee_amount, obj.payment.currency)

    @admin.display(description="Net")
    def net(self, obj: PaymentAllocation) -> str:
        return format_money(obj.payment.net_amount, obj.payment.currency)


@admin.display(description="Refund")
def invoice_refund_links(model_admin: Any, invoice: Any) -> str:
    """Links to the refund form of each successful payment on the invoice."""
    rows = [
        (reverse("admin:payments_payment_refund", args=[a.payment_id]), a.payment_id)
        for a in PaymentAllocation.objects.filter(
            invoice=invoice, payment__state=PaymentState.SUCCEEDED
        ).order_by("payment_id")
    ]
    if not rows:
        return "No online payments to refund."
    return format_html_join(" ", '<a class="button" href="{}">Refund payment #{}</a>', rows)
