"""The help site's forms: allow-lists of fields (company, customer, state are never bound)."""

from __future__ import annotations

from typing import Any

from django import forms

from doorstep.core.photo_fields import MultiplePhotoField, MultiplePhotoInput
from doorstep.support.tickets import MAX_PHOTOS

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,image/heic"


def _photos() -> MultiplePhotoField:
    return MultiplePhotoField(
        label=f"Photos (optional, up to {MAX_PHOTOS})",
        required=False,
        widget=MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT}),
    )


class TicketForm(forms.Form):
    """A signed-in customer's request: who they are comes from the session."""

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
    article = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Suggestions while the subject is typed (helpdesk:suggest, htmx).
        self.fields["subject"].widget.attrs.update({"autocomplete": "off"})


class PublicTicketForm(TicketForm):
    """A visitor's request: the address is checked by the verification email."""

    name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Please tell us your name."},
    )
    email = forms.EmailField(
        label="Your email address",
        help_text="We send a link to this address: your request reaches us once you click it.",
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by form-filling bots.
    website = forms.CharField(required=False, label="Leave this empty")

    field_order = ["name", "email", "subject", "body", "photos", "website"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = _photos()
