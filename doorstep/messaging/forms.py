from __future__ import annotations

from typing import Any

from django import forms

from doorstep.core.photo_fields import MultiplePhotoField, MultiplePhotoInput

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
