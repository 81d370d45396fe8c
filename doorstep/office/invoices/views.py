"""The office's invoices: the list (status filters, search), writing one with the line editor
(totals as you type from the server's totals function) and the invoice page.

The buttons on the invoice page (send, record payment, charge a saved card, refund, void) are
in actions.py. Every read passes company=office.company to a selector.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from doorstep.billing.invoices import invoice_create, invoice_update
from doorstep.billing.models import Invoice, InvoiceState
from doorstep.core.errors import DomainError
from doorstep.payments.office_charges import cards_chargeable
from doorstep.payments.office_selectors import (
    INVOICE_STATUSES,
    invoice_history,
    invoice_payments,
    invoices_for_office,
)
from doorstep.tenancy.roles import StaffAction
from doorstep.tenancy.time import company_today

from ..gate import Office, office_page
from ..pages import office_render, window_of
from .forms import InvoiceForm, invoice_initial
from .lines import line_formset, typed_totals, with_more_rows

PER_PAGE = 25
STATUS_LABELS = {
    "": "All",
    "overdue": "Overdue",
    "unpaid": "Unpaid",
    "draft": "Draft",
    "paid": "Paid",
    "void": "Void",
    "failed": "Failed payment",
}


def invoice_or_404(office: Office, pk: int) -> Invoice:
    invoice = (
        Invoice.objects.for_company(office.company).select_related("customer").filter(pk=pk).first()
    )
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice


@require_safe
@office_page(StaffAction.SEE_BILLING)
def invoice_list(request: HttpRequest, office: Office) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in INVOICE_STATUSES else ""
    query = request.GET.get("q", "")[:100]
    today = company_today(office.company)
    page = window_of(
        request,
        invoices_for_office(company=office.company, today=today, status=status, query=query),
        PER_PAGE,
    )
    rows = [(invoice, invoice.customer_status(today)) for invoice in page.rows]
    return office_render(
        request,
        office,
        "office/invoices/list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "query": query,
            "filters": list(STATUS_LABELS.items()),
            "can_edit": office.may(StaffAction.EDIT_BILLING),
            "filter_query": urlencode({k: v for k, v in (("status", status), ("q", query)) if v}),
        },
    )


def _editor(
    request: HttpRequest,
    office: Office,
    *,
    invoice: Invoice | None,
    form: InvoiceForm,
    lines: Any,
    status: int = 200,
    quiet: bool = False,
) -> HttpResponse:
    totals, readable = typed_totals(lines if lines.is_bound else _as_bound(lines, office))
    return office_render(
        request,
        office,
        "office/invoices/edit.html",
        {
            "invoice": invoice,
            "form": form,
            "lines": lines,
            "line_rows": list(zip(lines.forms, readable, strict=True)),
            "totals": totals,
            "currency": office.company.currency,
            "show_errors": not quiet,
        },
        status=status,
    )


def _as_bound(lines: Any, office: Office) -> Any:
    """The unbound editor as if posted, so its first totals come from the same function."""
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    management = lines.management_form
    for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
        data[f"lines-{name}"] = str(management.initial.get(name, 0))
    for index, initial in enumerate(lines.initial or []):
        for key, value in initial.items():
            data[f"lines-{index}-{key}"] = str(value)
    return line_formset(company=office.company, data=data)


def _save(request: HttpRequest, office: Office, invoice: Invoice | None) -> HttpResponse:
    company = office.company
    lines = line_formset(company=company, data=request.POST)
    if "add_line" in request.POST or "find_customer" in request.POST:
        # Not a save yet: the same form again, with one more empty line or the customer
        # matches, and no error shown for what is still being typed.
        posted = {name: request.POST.get(name, "") for name in InvoiceForm.base_fields}
        form = InvoiceForm(initial=posted, company=company, search=posted["customer_search"])
        if "add_line" in request.POST:
            lines = with_more_rows(lines, company)
        return _editor(request, office, invoice=invoice, form=form, lines=lines, quiet=True)
    form = InvoiceForm(request.POST, company=company)
    if form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        common = {
            "company": company,
            "customer": data["customer"],
            "issue_date": data["issue_date"],
            "due_date": data["due_date"],
            "lines": lines.lines(),
            "notes": data["notes"],
            "kind": data["kind"],
            "actor": office.actor,
        }
        try:
            saved = (
                invoice_create(**common)
                if invoice is None
                else invoice_update(invoice=invoice, **common)
            )
        except DomainError as error:
            if error.field in ("lines", "quantity", None):
                lines_error(lines, error.message)
            else:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"{saved.display_number} saved.")
            return redirect("office:invoices:detail", pk=saved.pk)
    return _editor(request, office, invoice=invoice, form=form, lines=lines, status=400)


def lines_error(lines: Any, message: str) -> None:
    """A rule the service refused about the lines as a whole, shown above the lines."""
    lines.is_valid()
    lines._non_form_errors = lines.error_class([*lines.non_form_errors(), message])


@require_http_methods(["GET", "POST"])
@office_page(StaffAction.EDIT_BILLING)
def invoice_new(request: HttpRequest, office: Office) -> HttpResponse:
    if request.method == "POST":
        return _save(request, office, None)
    company = office.company
    customer = None
    raw = request.GET.get("customer", "")
    if raw.isdigit() and len(raw) < 19:
        from doorstep.customers.models import Customer

        customer = Customer.objects.for_company(company).filter(pk=int(raw)).first()
    form = InvoiceForm(initial=invoice_initial(company_today(company), customer), company=company)
    lines = line_formset(company=company, blank_rows=2)
    return _editor(request, office, invoice=None, form=form, lines=lines)


@require_http_methods(["GET", "POST"])
@office_page(StaffAction.EDIT_BILLING)
def invoice_edit(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    invoice = invoice_or_404(office, pk)
    if invoice.state == InvoiceState.VOID:
        messages.error(request, f"{invoice.display_number} is void and cannot be changed.")
        return redirect("office:invoices:detail", pk=invoice.pk)
    if request.method == "POST":
        return _save(request, office, invoice)
    form = InvoiceForm(
        initial={
            "customer": invoice.customer,
            "issue_date": invoice.issue_date,
            "due_date": invoice.due_date,
            "kind": invoice.kind,
            "notes": invoice.notes,
        },
        company=office.company,
    )
    lines = line_formset(company=office.company, initial_lines=list(invoice.lines.all()))
    return _editor(request, office, invoice=invoice, form=form, lines=lines)


@require_POST
@office_page(StaffAction.EDIT_BILLING)
def invoice_totals(request: HttpRequest, office: Office) -> HttpResponse:
    """The totals fragment of the line editor, recomputed as the person types (htmx)."""
    lines = line_formset(company=office.company, data=request.POST)
    totals, readable = typed_totals(lines)
    return office_render(
        request,
        office,
        "office/invoices/_totals.html",
        {
            "totals": totals,
            "currency": office.company.currency,
            "line_rows": list(zip(lines.forms, readable, strict=True)),
        },
    )


@require_safe
@office_page(StaffAction.SEE_BILLING)
def invoice_detail(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    company = office.company
    invoice = invoice_or_404(office, pk)
    sees_money = office.may(StaffAction.SEE_MONEY)
    payments = invoice_payments(company=company, invoice=invoice) if sees_money else []
    history = invoice_history(
        company=company,
        invoice=invoice,
        payment_ids=[a.payment_id for a in payments],
    )
    is_open = invoice.state == InvoiceState.OPEN
    owing = is_open and invoice.balance_due > 0
    can_charge = owing and office.may(StaffAction.CHARGE_SAVED_CARD)
    cards = cards_chargeable(company=company, invoice=invoice) if can_charge else []
    can_refund = office.may(StaffAction.REFUND)
    return office_render(
        request,
        office,
        "office/invoices/detail.html",
        {
            "invoice": invoice,
            "lines": list(invoice.lines.all()),
            "status": invoice.customer_status(company_today(company)),
            "payments": payments,
            "refundable": [
                a.payment_id
                for a in payments
                if can_refund and a.payment.state == "succeeded" and a.payment.refundable_amount
            ],
            "history": history,
            "cards": cards,
            "can": {
                "edit": office.may(StaffAction.EDIT_BILLING) and invoice.state != InvoiceState.VOID,
                "send": office.may(StaffAction.EDIT_BILLING) and invoice.state != InvoiceState.VOID,
                "void": office.may(StaffAction.EDIT_BILLING)
                and invoice.state != InvoiceState.VOID
                and not invoice.amount_paid
                and not invoice.amount_pending,
                "record": owing and office.may(StaffAction.RECORD_PAYMENT),
                "charge": bool(cards),
                "see_money": sees_money,
            },
        },
    )
