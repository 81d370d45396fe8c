"""Forms of the office's single sign-on area: an identity provider, and finding a customer."""

from __future__ import annotations

from typing import Any

from django import forms


class ProviderForm(forms.Form):
    name = forms.CharField(
        max_length=80, label="Name on the button", help_text="Customers see “Sign in with …”."
    )
    issuer = forms.URLField(
        max_length=200,
        label="Issuer URL",
        help_text="From the provider's setup, e.g. https://accounts.google.com or "
        "https://login.microsoftonline.com/<tenant>/v2.0",
        assume_scheme="https",
    )
    client_id = forms.CharField(max_length=200, label="Client ID")
    client_secret = forms.CharField(
        max_length=500,
        required=False,
        label="Client secret",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    enabled = forms.BooleanField(required=False, initial=True, label="Offer it on the sign-in page")

    def __init__(self, *args: Any, secret_set: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Write-only: nobody reads a secret back; blank keeps the one that is set.
        self.fields["client_secret"].help_text = (
            "Set — type to replace." if secret_set else "Not set. Leave empty for a public client."
        )

    def clean_issuer(self) -> str:
        issuer = self.cleaned_data["issuer"].strip()
        if not issuer.startswith("https://") and not issuer.startswith("http://127.0.0.1"):
            raise forms.ValidationError("Use the https:// address the provider gives you.")
        return issuer


class CustomerFindForm(forms.Form):
    email = forms.EmailField(
        label="Customer's email address",
        help_text="The address of one of the customer's contacts.",
    )
