"""Forms of the portal's help requests (the customer comes from the session, never a field)."""

from __future__ import annotations

from django import forms

from doorstep.core.photo_fields import MultiplePhotoField, MultiplePhotoInput
from doorstep.support.tickets import MAX_PHOTOS


def _photos() -> MultiplePhotoField:
    return MultiplePhotoField(
        label=f"Photos (optional, up to {MAX_PHOTOS})",
        required=False,
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"}),
    )


class HelpRequestForm(forms.Form):
    subject = forms.CharField(
        label="What is it about?",
        max_length=200,
        error_messages={"required": "Please say in a few words what it is about."},
    )
    body = forms.CharField(
        label="Tell us more",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Please describe what you need."},
    )
    photos = _photos()


class HelpReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = _photos()
