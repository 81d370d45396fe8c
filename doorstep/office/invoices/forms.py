"""Forms of the office's money pages. Allow-lists: company, amounts owed, state and totals
are never bound from input; every money field is read by core.money.parse_amount."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django import forms

from doorstep.billing.models import InvoiceKind
from doorstep.core.money import AmountError, amount_example, parse_amount
from doorstep.customers.models import Customer
from doorstep.payments.models import PaymentMethod
from doorstep.tenancy.models import Company

CUSTOMER_CHOICES_SHOWN = 10


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: Any = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def customer_matches(*, company: Company, query: str) -> list[Customer]:
    """A few of the company's customers whose name contains `query` (the customer picker)."""
    query = query.strip()[:100]
    if not query:
        return []
    return list(
        Customer.objects.for_company(company)
        .filter(name__icontains=query)
        .order_by("name", "id")[:CUSTOMER_CHOICES_SHOWN]
    )


class CustomerChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose one of your customers: type part of the name and press Find."
    }


class DocumentForm(forms.Form):
    """What invoices and estimates share: the customer and the issue date."""

    customer = CustomerChoiceField(
        queryset=Customer.objects.none(),
        label="Customer",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the customer: type part of the name and press Find."},
    )
    customer_search = forms.CharField(
        label="Find a customer", required=False, max_length=100, help_text="Part of the name"
    )
    issue_date = forms.DateField(label="Issue date", widget=DateInput)

    def __init__(
        self, *args: Any, company: Company, search: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        field = self.fields["customer"]
        field.queryset = Customer.objects.for_company(company)  # type: ignore[attr-defined]
        # Only the chosen customer and the search's matches are listed, never all of them.
        if search is None:
            search = self.data.get("customer_search", "") if self.is_bound else ""
        self.searched = bool(search.strip())
        shown = customer_matches(company=company, query=search)
        chosen = self._chosen_customer()
        if chosen is not None and chosen not in shown:
            shown.insert(0, chosen)
        field.widget.choices = [(c.pk, c.name) for c in shown]
        self.customer_choices = shown

    def _chosen_customer(self) -> Customer | None:
        raw: Any = self.data.get("customer") if self.is_bound else self.initial.get("customer")
        if isinstance(raw, Customer):
            return raw
        try:
            pk = int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None
        if pk is None or not 0 < pk < 2**63:
            return None
        return Customer.objects.for_company(self.company).filter(pk=pk).first()


class InvoiceForm(DocumentForm):
    due_date = forms.DateField(label="Due date", widget=DateInput)
    kind = forms.ChoiceField(label="Kind", choices=InvoiceKind.choices, initial="standard")
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Printed on the invoice.",
    )

    field_order = ["customer_search", "customer", "issue_date", "due_date", "kind", "notes"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        issue, due = cleaned.get("issue_date"), cleaned.get("due_date")
        if issue and due and due < issue:
            self.add_error("due_date", "The due date cannot be before the issue date.")
        return cleaned


def invoice_initial(today: date, customer: Customer | None = None) -> dict[str, Any]:
    return {"issue_date": today, "due_date": today + timedelta(days=14), "customer": customer}


class MoneyAmountField(forms.CharField):
    """An amount typed as money ("$25.00", "1,234.56"), read in the company's locale."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 12}))
        super().__init__(*args, **kwargs)
        self.company: Company | None = None

    def for_company(self, company: Company) -> None:
        self.company = company
        self.help_text = (
            f"In {company.currency}, e.g. {amount_example(company.currency, company.locale)}"
        )

    def clean(self, value: Any) -> int:
        text = super().clean(value)
        assert self.company is not None
        try:
            amount = parse_amount(text, currency=self.company.currency, locale=self.company.locale)
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if amount <= 0:
            raise forms.ValidationError("Enter an amount more than zero.")
        return amount


RECORDED_METHODS = [
    (PaymentMethod.CHECK.value, "Check"),
    (PaymentMethod.CASH.value, "Cash"),
    (PaymentMethod.TRANSFER.value, "Bank transfer"),
]


class OnceForm(forms.Form):
    """A form whose one-time key (a fresh one each time the page is shown) goes to the
    service: a double click or a resubmitted page acts once."""

    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("request_key", secrets.token_urlsafe(16))


class RecordPaymentForm(OnceForm):
    amount = MoneyAmountField(label="Amount received")
    method = forms.ChoiceField(
        label="How they paid", choices=RECORDED_METHODS, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note", required=False, max_length=300, help_text="e.g. check number 1043"
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].for_company(company)  # type: ignore[attr-defined]


class RefundForm(OnceForm):
    amount = MoneyAmountField(label="Amount to refund")
    refund_platform_fee = forms.BooleanField(
        label="Also refund the platform fee to your account",
        required=False,
        help_text="Unticked: the platform keeps its fee on this payment.",
    )
    reason = forms.CharField(label="Reason", required=False, max_length=300)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].for_company(company)  # type: ignore[attr-defined]


class ChargeCardForm(forms.Form):
    card = forms.TypedChoiceField(label="Card", coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args: Any, cards: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["card"]
        field.choices = [  # type: ignore[attr-defined]
            (c.pk, f"{c.brand.title()} ending {c.last4} (expires {c.expiry})") for c in cards
        ]
        if len(cards) == 1:
            field.initial = cards[0].pk
