"""The money side of an invoice's page: every payment attempt on it (with fee and net), the
links to refund them, and the "Record a payment" page (cash or a check received by the office)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from doorstep.core.errors import DomainError
from doorstep.core.money import format_money
from doorstep.payments.models import PaymentAllocation, PaymentMethod, PaymentState
from doorstep.payments.services import payment_record_manual
from doorstep.tenancy.roles import StaffAction, staff_may

from .forms import MoneyField
from .payments import MoneyPermissions
from .tenant_admin import TenantInline, staff_actor


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


OFFICE_METHODS = [
    (PaymentMethod.CHECK.value, PaymentMethod.CHECK.label),
    (PaymentMethod.CASH.value, PaymentMethod.CASH.label),
    (PaymentMethod.CARD.value, "Card (taken on site)"),
    (PaymentMethod.OTHER.value, PaymentMethod.OTHER.label),
]


class RecordPaymentForm(forms.Form):
    amount = MoneyField(label="Amount received", min_value=0)
    method = forms.ChoiceField(label="How they paid", choices=OFFICE_METHODS)
    note = forms.CharField(
        label="Note", required=False, max_length=300, help_text="e.g. check number 1043"
    )

    def clean_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError("The amount must be more than zero.")
        return int(amount)


def record_payment_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    invoice = model_admin.get_object(request, object_id)
    if invoice is None or not model_admin.has_change_permission(request, invoice):
        raise Http404("No such invoice.")
    # Judged by the role at the invoice's own company: a technician records nothing.
    if not staff_may(
        user=request.user, company=invoice.company_id, action=StaffAction.RECORD_PAYMENT
    ):
        raise PermissionDenied
    form = RecordPaymentForm(request.POST or None)
    form.fields["amount"].use_currency(invoice.currency)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            payment_record_manual(
                company=invoice.company,
                invoice=invoice,
                amount=form.cleaned_data["amount"],
                method=form.cleaned_data["method"],
                note=form.cleaned_data["note"],
                actor=staff_actor(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            amount = format_money(form.cleaned_data["amount"], invoice.currency)
            model_admin.message_user(
                request, f"Payment of {amount} recorded on {invoice}.", messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:billing_invoice_change", args=[invoice.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Record a payment on {invoice}",
        "invoice": invoice,
        "balance": format_money(invoice.balance_due, invoice.currency),
        "form": form,
        "opts": model_admin.model._meta,
    }
    status = 400 if form.errors else 200
    return render(request, "admin/billing/invoice/record_payment.html", context, status=status)
