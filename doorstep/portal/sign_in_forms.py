"""Allow-list forms for the sign-in, password and registration pages: nothing else in a POST
is read."""

from __future__ import annotations

from typing import Any

from django import forms


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class CodeForm(EmailForm):
    code = forms.CharField(
        label="6-digit code from the email",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"\d{6}"}
        ),
        error_messages={"required": "Enter the 6-digit code from the email."},
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError("The code has 6 digits, like 123456.")
        return code


class PasswordSignInForm(EmailForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shares the sign-in page with the link form: distinct ids keep labels unambiguous.
        kwargs.setdefault("auto_id", "pw_%s")
        super().__init__(*args, **kwargs)

    password = forms.CharField(
        label="Password",
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )


class NewPasswordForm(forms.Form):
    password = forms.CharField(
        label="New password",
        max_length=1024,
        strip=False,
        help_text="At least 8 characters. A long phrase you remember is best.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "minlength": "8"}),
        error_messages={"required": "Choose a password."},
    )
    sign_out_everywhere = forms.BooleanField(
        label="Also sign me out on every other device", required=False, initial=True
    )


class RegisterForm(EmailForm):
    name = forms.CharField(label="Your name", max_length=200)
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)
