"""Pieces shared by the invoice and estimate pages of the back office: the priced-line
inlines and the money columns."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from doorstep.billing.models import (
    Estimate,
    EstimateLineItem,
    EstimateState,
    Invoice,
    InvoiceState,
    LineItem,
)
from doorstep.core.money import format_money
from doorstep.tenancy.roles import StaffAction

from .forms import LineForm, LineFormSet
from .tenant_admin import TenantInline, staff_companies

LINE_FIELDS = ["position", "description", "quantity", "unit_price", "tax_rate", "line_amount"]


def _line_amount(obj: Any) -> str:
    if not obj or not obj.pk:
        return ""
    parent = getattr(obj, "invoice", None) or obj.estimate
    return format_money(obj.amount + obj.tax_amount, parent.currency)


class LineItemInline(TenantInline):
    view_action = StaffAction.SEE_BILLING
    change_action = StaffAction.EDIT_BILLING
    model = LineItem
    form = LineForm
    formset = LineFormSet
    fields = LINE_FIELDS  # type: ignore[assignment]
    readonly_fields = ["line_amount"]
    extra = 1

    @admin.display(description="Amount with tax")
    def line_amount(self, obj: Any) -> str:
        return _line_amount(obj)

    # The lines of a void invoice or a decided estimate are shown, never edited.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_delete_permission(request, obj)


def _locked(document: Any) -> bool:
    if isinstance(document, Invoice):
        return document.state == InvoiceState.VOID
    if isinstance(document, Estimate):
        return document.state in (EstimateState.ACCEPTED, EstimateState.DECLINED)
    return False


class EstimateLineInline(LineItemInline):
    model = EstimateLineItem  # type: ignore[assignment]


def document_currency(request: HttpRequest, document: Any) -> str:
    """The currency prices are typed in: the document's, else the company's being chosen."""
    if document is not None and document.pk:
        return str(document.currency)
    chosen = request.POST.get("company", "") if request.method == "POST" else ""
    chosen = chosen if chosen.isdigit() else ""
    companies = staff_companies(request)
    company = (companies.filter(pk=chosen).first() if chosen else None) or companies.first()
    return company.currency if company else "USD"


class MoneyColumns:
    def get_formset_kwargs(
        self, request: HttpRequest, obj: Any, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)  # type: ignore[misc]
        if isinstance(inline, LineItemInline):
            kwargs["form_kwargs"] = {"currency": document_currency(request, obj)}
        return kwargs

    @admin.display(description="Subtotal")
    def subtotal_display(self, obj: Any) -> str:
        return format_money(obj.subtotal, obj.currency) if obj.pk else "-"

    @admin.display(description="Tax")
    def tax_display(self, obj: Any) -> str:
        return format_money(obj.tax, obj.currency) if obj.pk else "-"

    @admin.display(description="Total", ordering="total")
    def total_display(self, obj: Any) -> str:
        return format_money(obj.total, obj.currency) if obj.pk else "-"
