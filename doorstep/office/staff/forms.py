from __future__ import annotations

from django import forms

from doorstep.tenancy.models import StaffRole

ROLE_HELP = (
    "Owner: everything, settings and staff included. Office: customers, jobs, invoices, "
    "requests and messages. Billing: invoices, payments and refunds. Technician: their jobs."
)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        error_messages={
            "invalid": "Enter an email address such as dana@example.com.",
            "required": "Enter your colleague's email address.",
        },
    )
    name = forms.CharField(label="Name", max_length=150, required=False)
    role = forms.ChoiceField(
        label="Role", choices=StaffRole.choices, initial=StaffRole.OFFICE, help_text=ROLE_HELP
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=StaffRole.choices)
