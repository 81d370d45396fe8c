"""The estimate form (its lines use the invoices' line editor) and the reply to a comment."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

from ..invoices.forms import DateInput, DocumentForm


class EstimateForm(DocumentForm):
    title = forms.CharField(
        label="Title", max_length=200, required=False, help_text="e.g. New water heater"
    )
    expiry_date = forms.DateField(label="Valid until", widget=DateInput)

    field_order = ["customer_search", "customer", "title", "issue_date", "expiry_date"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        issue, expiry = cleaned.get("issue_date"), cleaned.get("expiry_date")
        if issue and expiry and expiry < issue:
            self.add_error("expiry_date", "The estimate cannot expire before its issue date.")
        return cleaned


def estimate_initial(today: date, customer: Any = None) -> dict[str, Any]:
    return {"issue_date": today, "expiry_date": today + timedelta(days=30), "customer": customer}


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your answer to the customer",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write your reply first."},
    )
