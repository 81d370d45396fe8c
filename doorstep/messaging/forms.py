from __future__ import annotations

from typing import Any

from django import forms

from doorstep.servicerequests.forms import MultiplePhotoField, MultiplePhotoInput

from .models import MAX_ATTACHMENTS, MAX_BODY

PHOTO_ACCEPT = {"accept": "image/jpeg,image/png,image/webp,image/heic"}


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_BODY,
        error_messages={"required": "Write a message first."},
    )
    photos = MultiplePhotoField(
        label=f"Photos (optional, up to {MAX_ATTACHMENTS})",
        required=False,
        widget=MultiplePhotoInput(attrs=PHOTO_ACCEPT),
    )

    def clean_photos(self) -> list[Any]:
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_ATTACHMENTS:
            raise forms.ValidationError(f"You can attach up to {MAX_ATTACHMENTS} photos.")
        return photos


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
