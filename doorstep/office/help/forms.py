"""Forms of the office's help area (allow-lists: the ticket and company come from the URL and
the office, never from the form)."""

from __future__ import annotations

from typing import Any

from django import forms

from doorstep.support.models import Priority, TicketState, Visibility

THEN_STATES = [
    ("", "Waiting on customer (default)"),
    (TicketState.OPEN, "Keep open"),
    (TicketState.RESOLVED, "Resolved"),
]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        error_messages={"required": "Write the reply first."},
    )
    internal = forms.BooleanField(
        label="Internal note (never emailed, never shown to the customer)", required=False
    )
    then_state = forms.ChoiceField(
        label="After a public reply the ticket is", choices=THEN_STATES, required=False
    )


class TriageForm(forms.Form):
    assignee = forms.TypedChoiceField(
        label="Assigned to", coerce=int, required=False, empty_value=None
    )
    priority = forms.ChoiceField(label="Priority", choices=Priority.choices)
    state = forms.ChoiceField(
        label="State",
        choices=[(s.value, s.label) for s in TicketState if s != TicketState.UNVERIFIED],
    )

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Nobody"), *staff]  # type: ignore[attr-defined]


class BlockForm(forms.Form):
    pattern = forms.CharField(
        label="Address or domain",
        max_length=254,
        help_text="name@example.com blocks one address; example.com blocks the whole domain.",
        error_messages={"required": "Enter an address or a domain."},
    )
    reason = forms.CharField(label="Why (for your team)", max_length=200, required=False)


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Give it a title."})
    category = forms.TypedChoiceField(label="Category", coerce=int)
    new_category = forms.CharField(
        label="…or a new category",
        max_length=120,
        required=False,
    )
    visibility = forms.ChoiceField(label="Who may read it", choices=Visibility.choices)
    body_markdown = forms.CharField(
        label="Text (Markdown)",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="# Heading, **bold**, - lists, [link](https://…). HTML is removed.",
        error_messages={"required": "Write the article."},
    )
    published = forms.BooleanField(label="Published", required=False, initial=True)

    def __init__(self, *args: Any, categories: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.choices = [("", "Choose…"), *categories]  # type: ignore[attr-defined]
        field.required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("category") and not (data.get("new_category") or "").strip():
            self.add_error("category", "Choose a category or name a new one.")
        return data
