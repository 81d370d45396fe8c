from __future__ import annotations

from typing import Any

from django import forms

from doorstep.customers.models import Customer


class ChooseCustomerForm(forms.Form):
    customer = forms.ModelChoiceField(
        label="The customer this person belongs to",
        queryset=Customer.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the customer this person belongs to.",
            "invalid_choice": "Choose one of your customers from the list.",
        },
    )

    def __init__(self, *args: Any, company: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.for_company(company)  # type: ignore[attr-defined]
