"""Approve a service request into a job (prefilled from the request) or decline it."""

from __future__ import annotations

from typing import Any

from django import forms

from doorstep.servicerequests.models import ServiceRequest


class ApproveForm(forms.Form):
    title = forms.CharField(
        label="Job title", max_length=200, error_messages={"required": "Give the job a title."}
    )
    location = forms.TypedChoiceField(
        label="Address",
        coerce=int,
        error_messages={"invalid_choice": "Choose one of the customer's addresses."},
    )
    description = forms.CharField(
        label="What the technician should know",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, service_request: ServiceRequest, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": f"{service_request.service_type.name} for {service_request.customer.name}"[
                    :200
                ],
                "location": service_request.location_id,
                "description": service_request.description,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [  # type: ignore[attr-defined]
            (loc.pk, loc.one_line) for loc in service_request.customer.locations.all()
        ]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason (the customer reads it)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Tell the customer why: a reason is required."},
    )
