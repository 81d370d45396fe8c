from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from doorstep.integrations.models import ApiScope

SCOPE_WORDS = {
    ApiScope.CUSTOMERS_READ: "See customers, contacts and addresses",
    ApiScope.CUSTOMERS_WRITE: "Add and change customers, contacts and addresses",
    ApiScope.JOBS_READ: "See jobs",
    ApiScope.JOBS_WRITE: "Create jobs and move their status (customers are told)",
    ApiScope.INVOICES_READ: "See invoices",
    ApiScope.INVOICES_WRITE: "Create, send and void invoices",
    ApiScope.ESTIMATES_READ: "See estimates",
    ApiScope.ESTIMATES_WRITE: "Change estimates",
    ApiScope.PAYMENTS_READ: "See payments and refunds",
    ApiScope.REFUNDS_WRITE: "Refund payments",
    ApiScope.REQUESTS_READ: "See service requests",
    ApiScope.REQUESTS_WRITE: "Approve and decline service requests",
    ApiScope.MESSAGES_READ: "See conversations",
    ApiScope.MESSAGES_WRITE: "Reply to customers",
    ApiScope.DOCUMENTS_WRITE: "Share documents with customers",
    ApiScope.PORTAL_ACCESS_WRITE: "Invite customers to the portal, send sign-in links",
    ApiScope.WEBHOOKS_READ: "See webhook endpoints",
    ApiScope.WEBHOOKS_WRITE: "Add, change, rotate and delete webhook endpoints",
}


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What will use it, e.g. \u201cFieldPro sync\u201d. Shown in the history.",
    )
    scopes = forms.MultipleChoiceField(
        choices=[(scope.value, f"{SCOPE_WORDS[scope]} ({scope.value})") for scope in ApiScope],
        widget=forms.CheckboxSelectMultiple,
        label="What the key may do",
        error_messages={"required": "Choose at least one thing this key may do."},
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires on (optional)",
        help_text="Leave empty for a key that works until you revoke it.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expires_on(self) -> Any:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError("Choose a day after today.")
        return day

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        # The end of that day where the company is (the office runs in its time zone).
        return timezone.make_aware(datetime.combine(day, time.max)) if day else None


class WebhookEndpointForm(forms.Form):
    url = forms.CharField(
        max_length=500,
        label="URL",
        help_text="Where your software receives events, e.g. https://example.com/doorstep-hooks.",
        error_messages={"required": "Enter the URL that should receive the events."},
    )
    description = forms.CharField(max_length=100, required=False, label="Description (optional)")
    event_types = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Events to send",
        help_text="Choose none to receive every event.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from doorstep.integrations.webhooks.event_types import EVENT_TYPES

        super().__init__(*args, **kwargs)
        field = self.fields["event_types"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (name, f"{words} ({name})")
            for name, words in EVENT_TYPES.items()
            if name != "webhook.test"  # sent to one endpoint on request, never subscribed to
        ]


class WebhookReplayForm(forms.Form):
    start = forms.DateTimeField(
        label="From",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={
            "required": "Enter when the range starts.",
            "invalid": "Enter a date and time.",
        },
    )
    end = forms.DateTimeField(
        label="Until",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={
            "required": "Enter when the range ends.",
            "invalid": "Enter a date and time.",
        },
    )
