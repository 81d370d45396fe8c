"""The buttons on an invoice's page. Money leaving or a record ending asks first: charging a
saved card, refunding and voiding show a confirmation page (office/_confirm.html) and act only
on a POST with confirmed=1. Each calls the one service that owns the rule."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.access.invoice_sending import invoice_send
from doorstep.billing.invoices import invoice_void
from doorstep.billing.models import Invoice
from doorstep.core.errors import DomainError
from doorstep.core.money import format_money
from doorstep.customers.selectors import customer_email
from doorstep.payments.checkout import platform_fee
from doorstep.payments.models import Payment, PaymentState
from doorstep.payments.office_charges import (
    card_chargeable,
    cards_chargeable,
    charge_amount,
    saved_card_charge,
)
from doorstep.payments.office_selectors import invoice_payment_for_refund
from doorstep.payments.providers.base import ProviderError
from doorstep.payments.refunds import refund_available, refund_create
from doorstep.payments.services import payment_record_manual
from doorstep.tenancy.roles import StaffAction

from ..gate import Office, office_page
from ..pages import office_render
from .forms import ChargeCardForm, RecordPaymentForm, RefundForm
from .views import invoice_or_404


def _money(office: Office, amount: int) -> str:
    return format_money(amount, office.company.currency, office.company.locale)


def _back(invoice: Invoice) -> HttpResponse:
    return redirect("office:invoices:detail", pk=invoice.pk)


def _confirm(
    request: HttpRequest,
    office: Office,
    *,
    invoice: Invoice,
    question: str,
    details: list[tuple[str, str]],
    confirm_label: str,
    hidden: dict[str, Any],
    danger: bool = True,
) -> HttpResponse:
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "question": question,
            "details": details,
            "confirm_label": confirm_label,
            "cancel_url": reverse("office:invoices:detail", args=[invoice.pk]),
            "danger": danger,
            "hidden": hidden,
        },
    )


@require_POST
@office_page(StaffAction.EDIT_BILLING)
def invoice_send_view(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """Send (first time) or Resend: the email with a "View and pay" link to this invoice."""
    invoice = invoice_or_404(office, pk)
    resend = invoice.sent_at is not None
    try:
        invoice_send(company=office.company, invoice=invoice, actor=office.actor)
    except DomainError as error:
        messages.error(request, f"{invoice.display_number} was not sent: {error.message}")
    else:
        email = customer_email(company=office.company, customer=invoice.customer)
        messages.success(
            request, f"{invoice.display_number} {'sent again' if resend else 'sent'} to {email}."
        )
    return _back(invoice)


@require_http_methods(["GET", "POST"])
@office_page(StaffAction.RECORD_PAYMENT)
def record_payment(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    invoice = invoice_or_404(office, pk)
    form = RecordPaymentForm(request.POST or None, company=office.company)
    if request.method == "POST" and form.is_valid():
        try:
            payment_record_manual(
                company=office.company,
                invoice=invoice,
                amount=form.cleaned_data["amount"],
                method=form.cleaned_data["method"],
                note=form.cleaned_data["note"],
                actor=office.actor,
                request_key=form.cleaned_data["request_key"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                f"Payment of {_money(office, form.cleaned_data['amount'])} recorded on "
                f"{invoice.display_number}. The customer was emailed a receipt.",
            )
            return _back(invoice)
    return office_render(
        request,
        office,
        "office/invoices/record_payment.html",
        {"invoice": invoice, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@office_page(StaffAction.CHARGE_SAVED_CARD)
def charge_card(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """Charge a saved card for a customer on the phone: choose the card, confirm (card and
    amount shown), charged once."""
    company = office.company
    invoice = invoice_or_404(office, pk)
    cards = cards_chargeable(company=company, invoice=invoice)
    form = ChargeCardForm(request.POST or None, cards=cards)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            card = card_chargeable(
                company=company, invoice=invoice, method_id=form.cleaned_data["card"]
            )
            amount = charge_amount(company=company, invoice=invoice)
            if request.POST.get("confirmed") != "1":
                return _confirm(
                    request,
                    office,
                    invoice=invoice,
                    question=f"Charge {_money(office, amount)} to {card}?",
                    details=[
                        ("Customer", invoice.customer.name),
                        ("Invoice", invoice.display_number),
                        ("Card", f"{card.brand.title()} ending {card.last4}"),
                        ("Amount", _money(office, amount)),
                    ],
                    confirm_label=f"Charge {_money(office, amount)}",
                    hidden={"card": card.pk},
                )
            payment = saved_card_charge(
                company=company, invoice=invoice, method_id=card.pk, actor=office.actor
            )
        except DomainError as exc:
            error = exc.message
        except ProviderError:
            error = (
                "The payment processor did not answer. Nothing is shown as paid yet; "
                "the payment is checked again automatically."
            )
        else:
            if payment.state == PaymentState.SUCCEEDED:
                messages.success(
                    request,
                    f"{_money(office, payment.amount)} charged to {payment.method_label}. "
                    "The customer was emailed a receipt.",
                )
                return _back(invoice)
            error = payment.failure_message or (
                f"The card was not charged ({payment.get_state_display().lower()})."
            )
    if not cards and not error:
        error = f"{invoice.customer.name} has no saved card they agreed to be charged on."
    return office_render(
        request,
        office,
        "office/invoices/charge.html",
        {"invoice": invoice, "form": form, "cards": cards, "error": error},
        status=400 if (form.errors or error) and request.method == "POST" else 200,
    )


def _fee_words(office: Office, payment: Payment, amount: int, refund_fee: bool) -> str:
    if not payment.platform_fee_amount:
        return "No platform fee was charged on this payment."
    if refund_fee:
        return (
            f"The platform fee of {_money(office, payment.platform_fee_amount)} is refunded to "
            "your account in proportion."
        )
    return (
        f"The platform keeps its fee of {_money(office, payment.platform_fee_amount)}: "
        f"your account pays the full {_money(office, amount)}."
    )


@require_http_methods(["GET", "POST"])
@office_page(StaffAction.REFUND)
def refund(request: HttpRequest, office: Office, pk: int, payment_id: int) -> HttpResponse:
    company = office.company
    invoice = invoice_or_404(office, pk)
    try:
        payment = invoice_payment_for_refund(
            company=company, invoice=invoice, payment_id=payment_id
        )
    except Payment.DoesNotExist:
        raise Http404("No such payment on this invoice.") from None
    available = refund_available(payment)
    initial = {"amount": format_money(available, payment.currency, company.locale)}
    form = RefundForm(request.POST or None, initial=initial, company=company)
    if request.method == "POST" and form.is_valid():
        amount, refund_fee = form.cleaned_data["amount"], form.cleaned_data["refund_platform_fee"]
        if amount > available:
            form.add_error("amount", f"At most {_money(office, available)} can still be refunded.")
        elif request.POST.get("confirmed") != "1":
            kind = "all" if amount == available else "part"
            return _confirm(
                request,
                office,
                invoice=invoice,
                question=f"Refund {_money(office, amount)} to {invoice.customer.name}?",
                details=[
                    ("Payment", f"#{payment.pk} · {payment.method_label}"),
                    ("Paid", _money(office, payment.amount)),
                    ("Refund", f"{_money(office, amount)} ({kind} of what can be refunded)"),
                    ("Platform fee", _fee_words(office, payment, amount, refund_fee)),
                    (
                        "What happens",
                        "The money goes back through the payment processor; the invoice "
                        "balance goes up by the same amount and the customer is emailed."
                        if payment.provider_reference
                        else "Give the money back by hand; it is recorded here and the "
                        "customer is emailed.",
                    ),
                ],
                confirm_label=f"Refund {_money(office, amount)}",
                hidden={
                    "amount": request.POST.get("amount", ""),
                    "refund_platform_fee": "on" if refund_fee else "",
                    "reason": form.cleaned_data["reason"],
                    "request_key": form.cleaned_data["request_key"],
                },
            )
        else:
            try:
                done = refund_create(
                    company=company,
                    payment=payment,
                    amount=amount,
                    refund_application_fee=refund_fee,
                    actor=office.actor,
                    reason=form.cleaned_data["reason"],
                    request_key=form.cleaned_data["request_key"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    f"{_money(office, done.amount)} refund {done.get_state_display().lower()}.",
                )
                return _back(invoice)
    return office_render(
        request,
        office,
        "office/invoices/refund.html",
        {
            "invoice": invoice,
            "payment": payment,
            "available": available,
            "form": form,
            "fee": platform_fee,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@office_page(StaffAction.EDIT_BILLING)
def void(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    invoice = invoice_or_404(office, pk)
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        try:
            invoice_void(company=office.company, invoice=invoice, actor=office.actor)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{invoice.display_number} is void.")
        return _back(invoice)
    return _confirm(
        request,
        office,
        invoice=invoice,
        question=f"Void {invoice.display_number}?",
        details=[
            ("Customer", invoice.customer.name),
            ("Total", _money(office, invoice.total)),
            (
                "What happens",
                "The invoice is kept as it is, marked void; the customer can no longer pay "
                "it. This cannot be undone.",
            ),
        ],
        confirm_label=f"Void {invoice.display_number}",
        hidden={},
    )
