"""The customer's request form: an allow-list of fields (company, customer, status never bound)."""

from __future__ import annotations

from typing import Any

from django import forms

from doorstep.core.photo_fields import MultiplePhotoField, MultiplePhotoInput
from doorstep.servicerequests.models import MAX_PHOTOS, TimeWindow, Urgency

NEW_ADDRESS = "new"


class ServiceRequestForm(forms.Form):
    location = forms.ChoiceField(
        label="Where",
        error_messages={
            "required": "Choose an address.",
            "invalid_choice": "Choose one of your addresses.",
        },
    )
    street = forms.CharField(label="Street address", required=False, max_length=200)
    city = forms.CharField(required=False, max_length=100)
    region = forms.CharField(label="State / province", required=False, max_length=100)
    postal_code = forms.CharField(label="ZIP / postal code", required=False, max_length=20)
    service_type = forms.TypedChoiceField(
        label="Type of service",
        coerce=int,
        error_messages={
            "required": "Choose a type of service.",
            "invalid_choice": "Choose a type of service from the list.",
        },
    )
    description = forms.CharField(
        label="What do you need?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        error_messages={"required": "Please describe what you need."},
    )
    preferred_date = forms.DateField(
        label="Preferred date (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date like 2026-05-31."},
    )
    preferred_window = forms.ChoiceField(
        label="Preferred time (optional)",
        choices=TimeWindow.choices,
        required=False,
        error_messages={"invalid_choice": "Choose one of the times offered."},
    )
    urgency = forms.ChoiceField(
        label="Urgency (optional)",
        choices=Urgency.choices,
        required=False,
        error_messages={"invalid_choice": "Choose one of the options offered."},
    )
    photos = MultiplePhotoField(
        label=f"Photos (optional, up to {MAX_PHOTOS})",
        required=False,
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"}),
    )

    def __init__(self, *args: Any, locations: Any, service_types: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        location_choices = [(str(loc.pk), loc.one_line) for loc in locations]
        self.fields["location"].choices = [  # type: ignore[attr-defined]
            *location_choices,
            (NEW_ADDRESS, "A new address…"),
        ]
        if location_choices:
            self.fields["location"].initial = location_choices[0][0]
        else:
            self.fields["location"].initial = NEW_ADDRESS
        self.fields["service_type"].choices = [("", "Choose…")] + [  # type: ignore[attr-defined]
            (t.pk, t.name) for t in service_types
        ]

    def clean_photos(self) -> list[Any]:
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(f"You can attach up to {MAX_PHOTOS} photos.")
        return photos

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("location") == NEW_ADDRESS:
            if not (data.get("street") or "").strip():
                self.add_error("street", "Enter the street address.")
            if not (data.get("city") or "").strip():
                self.add_error("city", "Enter the city.")
        return data
