"""The line editor shared by invoices and estimates: description, quantity, unit price typed
in money ("$25.00", read by core.money.parse_amount in the company's locale) and tax rate.

Totals are never computed here: billing.totals.document_totals is the one home of the
rounding rule, for the saved document and for the "totals as you type" fragment alike.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.forms import BaseFormSet, formset_factory

from doorstep.billing.invoices import LineInput
from doorstep.billing.totals import DocumentTotals, LineTotal, document_totals
from doorstep.core.money import AmountError, format_amount_input, parse_amount
from doorstep.tenancy.models import Company

MAX_LINES = 100


class LineForm(forms.Form):
    description = forms.CharField(label="Description", max_length=300, required=False)
    quantity = forms.DecimalField(
        label="Quantity",
        max_digits=10,
        decimal_places=3,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )
    unit_price = forms.CharField(
        label="Unit price",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
    )
    tax_rate = forms.DecimalField(
        label="Tax rate (%)",
        max_digits=6,
        decimal_places=3,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(name) not in (None, "") for name in self.fields)

    def clean_quantity(self) -> Decimal | None:
        quantity = self.cleaned_data.get("quantity")
        if quantity is not None and quantity <= 0:
            raise forms.ValidationError("The quantity must be more than zero.")
        return quantity

    def clean_tax_rate(self) -> Decimal | None:
        rate = self.cleaned_data.get("tax_rate")
        if rate is not None and not Decimal("0") <= rate <= Decimal("100"):
            raise forms.ValidationError("Enter a tax rate between 0 and 100 %.")
        return rate

    def clean_unit_price(self) -> int | None:
        text = self.cleaned_data.get("unit_price", "")
        if not text.strip():
            return None
        try:
            return parse_amount(
                text,
                currency=self.company.currency,
                locale=self.company.locale,
                allow_negative=True,
            )
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if self.errors or self.is_blank():
            return cleaned
        if not (cleaned.get("description") or "").strip():
            self.add_error("description", "Describe what you charge.")
        if cleaned.get("unit_price") is None:
            self.add_error("unit_price", "Enter the price, e.g. 25.00.")
        return cleaned

    def line(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            description=data["description"].strip(),
            unit_price=data["unit_price"],
            quantity=data.get("quantity") or Decimal("1"),
            tax_rate=data.get("tax_rate") or Decimal("0"),
        )


def _removed(form: forms.Form) -> bool:
    return bool(getattr(form, "cleaned_data", {}).get("DELETE"))


class BaseLineFormSet(BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not self.lines():
            raise forms.ValidationError("Add at least one line: what you charge for.")

    def lines(self) -> list[LineInput]:
        return [
            form.line()
            for form in self.forms
            if form.is_valid() and not form.is_blank() and not _removed(form)
        ]


LineFormSet = formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_LINES,
    validate_max=True,
    absolute_max=MAX_LINES,
)


def line_formset(
    *,
    company: Company,
    data: Any = None,
    initial_lines: list[Any] | None = None,
    blank_rows: int = 1,
) -> BaseLineFormSet:
    """The editor's lines: posted data, or the document's lines plus `blank_rows` empty ones."""
    if data is not None:
        return cast(
            BaseLineFormSet, LineFormSet(data, prefix="lines", form_kwargs={"company": company})
        )
    initial = [
        {
            "description": line.description,
            "quantity": line.quantity.normalize(),
            "unit_price": format_amount_input(line.unit_price, company.currency, company.locale),
            "tax_rate": line.tax_rate.normalize(),
        }
        for line in initial_lines or []
    ]
    formset = formset_factory(
        LineForm,
        formset=BaseLineFormSet,
        extra=blank_rows,
        can_delete=True,
        max_num=MAX_LINES,
        absolute_max=MAX_LINES,
    )(initial=initial, prefix="lines", form_kwargs={"company": company})
    return cast(BaseLineFormSet, formset)


def with_more_rows(formset: BaseLineFormSet, company: Company, rows: int = 1) -> BaseLineFormSet:
    """The posted lines again with `rows` empty ones below (the "Add a line" button)."""
    data = formset.data.copy()  # type: ignore[attr-defined]  # a QueryDict: it was posted
    total = int(data.get("lines-TOTAL_FORMS", "0") or 0)
    data["lines-TOTAL_FORMS"] = str(min(total + rows, MAX_LINES))
    return cast(
        BaseLineFormSet, LineFormSet(data, prefix="lines", form_kwargs={"company": company})
    )


def typed_totals(formset: BaseLineFormSet) -> tuple[DocumentTotals, list[LineTotal | None]]:
    """Totals of the lines typed so far, and each row's own amount (None: blank, removed or
    not readable yet, counted as nothing): the "totals as you type" fragment."""
    rows: list[LineInput | None] = []
    for form in formset.forms:
        ok = form.is_valid() and not form.is_blank() and not _removed(form)
        rows.append(form.line() if ok else None)
    totals = document_totals([line for line in rows if line is not None])
    computed = iter(totals.lines)
    return totals, [next(computed) if line is not None else None for line in rows]
