"""Form bases for the back office: errors appear next to the field, nothing is saved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db import models

from doorstep.core import money
from doorstep.tenancy.models import Company


class TenantForm(forms.ModelForm):
    """Every chosen row must belong to the record's company.

    Staff only ever see their own rows as choices, but a superuser picks the company and a
    forged POST can name any id: this check turns that into a message instead of hitting the
    database's same-company trigger.
    """

    staff_company: Company | None = None  # set by TenantAdmin.get_form

    def form_company(self) -> Company | None:
        chosen = self.cleaned_data.get("company") if hasattr(self, "cleaned_data") else None
        if chosen:
            return chosen
        if getattr(self.instance, "company_id", None):
            return self.instance.company
        return self.staff_company

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        moved_to = cleaned.get("company")
        existing = getattr(self.instance, "company_id", None) if self.instance.pk else None
        if moved_to and existing and moved_to.pk != existing:
            # Its number, lines, payments and history belong to the first company.
            self.add_error("company", "A record cannot move to another company.")
            return cleaned
        company = self.form_company()
        if company is None:
            return cleaned
        # A copy: add_error() removes the field from cleaned_data while we walk it.
        for name, value in list(cleaned.items()):
            if name == "company" or not isinstance(value, models.Model):
                continue
            if getattr(value, "company_id", company.pk) != company.pk:
                self.add_error(name, "Choose one that belongs to this company.")
        return cleaned


class MoneyField(forms.DecimalField):
    """Staff type an amount in the currency's major unit ("125.50" dollars, "1500" yen); the
    model stores minor units (cents). Call `use_currency` to switch from the USD default."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        super().__init__(**kwargs)  # decimals are checked per currency in clean()
        self.use_currency("USD")

    def use_currency(self, currency: str) -> None:
        self.currency = currency
        self.widget.attrs["step"] = str(Decimal(1).scaleb(-money.minor_exponent(currency)))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return money.to_major(value, self.currency)
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.clean(data) != initial
        except forms.ValidationError:
            return True

    def clean(self, value: Any) -> Any:
        # A number field sends the plain form ("1234.56") whatever the browser's language;
        # read it with the one amount parser every typed amount goes through.
        if value in self.empty_values:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        allow_negative = self.min_value is None or self.min_value < 0
        try:
            return money.parse_amount(
                str(value), currency=self.currency, locale=None, allow_negative=allow_negative
            )
        except money.AmountError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class LineForm(TenantForm):
    """A priced line: a positive quantity, a tax rate that is not negative, price in dollars."""

    unit_price = MoneyField(label="Unit price", help_text="Negative for a discount line.")

    def __init__(self, *args: Any, currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit_price"].use_currency(currency)  # type: ignore[attr-defined]

    def clean_quantity(self) -> Decimal:
        quantity = self.cleaned_data.get("quantity")
        if quantity is None or quantity <= 0:
            raise forms.ValidationError("Quantity must be more than zero.")
        return quantity

    def clean_tax_rate(self) -> Decimal:
        rate = self.cleaned_data.get("tax_rate")
        if rate is None:
            return Decimal("0")
        if rate < 0:
            raise forms.ValidationError("The tax rate cannot be negative.")
        return rate


class LineFormSet(forms.BaseInlineFormSet):
    """The lines of a document; refuses a negative subtotal (and, for invoices, a total below
    what the customer already paid) before anything is saved."""

    def live_lines(self) -> list[dict[str, Any]]:
        return [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("description")
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        subtotal = tax = 0
        for line in self.live_lines():
            amount = money.line_amount(line["quantity"], line["unit_price"])
            subtotal += amount
            tax += money.line_tax(amount, line.get("tax_rate") or Decimal("0"))
        if subtotal < 0:
            raise forms.ValidationError("Discounts cannot make the total negative.")
        paid = getattr(self.instance, "amount_paid", 0) or 0
        if subtotal + tax < paid:
            raise forms.ValidationError(
                "The new total is less than what the customer already paid; refund the "
                "difference first."
            )
