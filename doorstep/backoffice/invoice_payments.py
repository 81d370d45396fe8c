"""The "Record a payment" page of an invoice: cash or a check received by the office."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from doorstep.core.errors import DomainError
from doorstep.core.money import format_money
from doorstep.payments.models import PaymentMethod
from doorstep.payments.services import payment_record_manual
from doorstep.tenancy.roles import StaffAction, staff_may

from .forms import MoneyField
from .tenant_admin import staff_actor

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
