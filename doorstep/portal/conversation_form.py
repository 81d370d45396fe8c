"""The customer's "new message" form: the topic (general, or one of their jobs, invoices or
estimates), a subject, the message and photos. Replies use messaging's ReplyForm."""

from __future__ import annotations

from typing import Any

from django import forms

from doorstep.messaging.forms import ReplyForm


class NewConversationForm(ReplyForm):
    about = forms.ChoiceField(label="About")
    subject = forms.CharField(
        max_length=200, error_messages={"required": "Give your message a subject."}
    )

    field_order = ["about", "subject", "body", "photos"]

    def __init__(self, *args: Any, topics: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = topics  # type: ignore[attr-defined]

    def about_parts(self) -> tuple[str, int | None]:
        value = self.cleaned_data["about"]
        if ":" not in value:
            return "general", None
        topic, _, pk = value.partition(":")
        return topic, int(pk)
