"""The settings forms: allow-lists of fields in plain words. Money is typed as money, the
platform fee as a percentage, autopay kinds as checkboxes; nothing on screen is cents, basis
points or JSON."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from doorstep.billing.models import InvoiceKind
from doorstep.core.colour import HEX_COLOUR
from doorstep.core.errors import DomainError
from doorstep.core.money import AmountError, format_amount_input, parse_amount
from doorstep.tenancy.branding import branding_image_checked
from doorstep.tenancy.features import FeatureState
from doorstep.tenancy.models import (
    Company,
    CompanySettings,
    PaymentProviderName,
    RegistrationPolicy,
    SignInMode,
)
from doorstep.tenancy.plans import PLANS, SELLABLE


class PortalForm(forms.Form):
    portal_enabled = forms.BooleanField(
        label="The customer portal is on",
        required=False,
        help_text="Off: customers see a page saying the portal is paused, with your phone "
        "and email. Sign-in links stop working.",
    )
    service_requests_enabled = forms.BooleanField(
        label="Customers can ask for service online",
        required=False,
        help_text="Off: customers still see their earlier requests, but cannot send new ones.",
    )

    def __init__(self, *args: Any, states: list[FeatureState], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.states = states
        for state in states:
            self.fields[state.switch_field] = forms.BooleanField(
                label=state.label,
                required=False,
                disabled=not state.in_plan,
                help_text=state.explanation if not state.in_plan else "",
            )

    def section_fields(self) -> list[Any]:
        return [self[state.switch_field] for state in self.states]


class SignInForm(forms.Form):
    sign_in_mode = forms.ChoiceField(
        label="How customers sign in",
        choices=SignInMode.choices,
        widget=forms.RadioSelect,
    )
    registration_policy = forms.ChoiceField(
        label="When someone registers with an email you do not have on file",
        choices=RegistrationPolicy.choices,
        widget=forms.RadioSelect,
    )
    login_link_minutes = forms.IntegerField(
        label="Sign-in links work for (minutes)",
        min_value=1,
        max_value=60,
        help_text="From 1 to 60 minutes. Shorter is safer; 15 suits most customers.",
        error_messages={
            "min_value": "Enter at least 1 minute.",
            "max_value": "Sign-in links can work for at most 60 minutes.",
            "invalid": "Enter a whole number of minutes, such as 15.",
            "required": "Enter how many minutes a sign-in link works.",
        },
    )


class PaymentsForm(forms.Form):
    payment_provider = forms.ChoiceField(
        label="Online payments go through",
        choices=PaymentProviderName.choices,
        widget=forms.RadioSelect,
    )
    partial_payments_allowed = forms.BooleanField(
        label="Customers may pay part of an invoice", required=False
    )
    partial_payment_minimum = forms.CharField(
        label="Smallest part payment",
        help_text="In dollars, for example 10.00.",
        max_length=20,
    )
    ach_enabled = forms.BooleanField(label="Offer payment by bank debit (ACH)", required=False)
    autopay_enabled = forms.BooleanField(
        label="Customers may turn on automatic payment", required=False
    )
    autopay_invoice_kinds = forms.MultipleChoiceField(
        label="Automatic payment may pay",
        choices=InvoiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick none to let automatic payment pay every kind of invoice.",
    )
    platform_fee_percent = forms.CharField(
        label="Platform fee (percent of each online payment)",
        required=False,
        max_length=8,
        help_text="For example 1.5. Leave empty for the installation's default.",
    )

    def __init__(self, *args: Any, company: Company, fee_editable: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        if not fee_editable:
            # The platform fee is the operator's income: only the operator sets it.
            del self.fields["platform_fee_percent"]

    def clean_partial_payment_minimum(self) -> int:
        try:
            return parse_amount(
                self.cleaned_data.get("partial_payment_minimum"),
                currency=self.company.currency,
                locale=self.company.locale,
            )
        except AmountError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_platform_fee_percent(self) -> int | None:
        raw = (self.cleaned_data.get("platform_fee_percent") or "").strip().rstrip("%").strip()
        if not raw:
            return None
        try:
            percent = Decimal(raw)
        except InvalidOperation as error:
            raise forms.ValidationError("Enter a percentage such as 1.5.") from error
        if not percent.is_finite() or percent < 0 or percent > 10:
            raise forms.ValidationError("Enter a percentage from 0 to 10.")
        if percent != percent.quantize(Decimal("0.01")):
            raise forms.ValidationError("Use at most two decimals, such as 1.25.")
        return int(percent * 100)  # stored in hundredths of a percent

    @staticmethod
    def initial_for(settings: CompanySettings, company: Company) -> dict[str, Any]:
        fee = settings.platform_fee_basis_points
        return {
            "payment_provider": settings.payment_provider,
            "partial_payments_allowed": settings.partial_payments_allowed,
            "partial_payment_minimum": format_amount_input(
                settings.partial_payment_minimum, company.currency, company.locale
            ),
            "ach_enabled": settings.ach_enabled,
            "autopay_enabled": settings.autopay_enabled,
            "autopay_invoice_kinds": list(settings.autopay_invoice_kinds or []),
            "platform_fee_percent": "" if fee is None else percent_words(fee),
        }

    def settings_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "platform_fee_percent" in data:
            data["platform_fee_basis_points"] = data.pop("platform_fee_percent")
        data["autopay_invoice_kinds"] = sorted(data["autopay_invoice_kinds"])
        return data


def percent_words(basis_points: int) -> str:
    return f"{Decimal(basis_points) / 100:f}".rstrip("0").rstrip(".") or "0"


class ColourInput(forms.TextInput):
    input_type = "color"


class BrandingForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = [
            "logo",
            "banner",
            "accent_color",
            "welcome_message",
            "support_phone",
            "support_email",
            "pdf_terms",
            "pdf_footer",
        ]
        labels = {
            "logo": "Logo",
            "banner": "Banner on the portal's home page",
            "accent_color": "Brand colour",
            "welcome_message": "Welcome message on the portal's home page",
            "support_phone": "Support phone",
            "support_email": "Support email",
        }
        help_texts = {
            "logo": "A JPEG, PNG or WebP picture, at most 2 MB.",
            "banner": "A wide JPEG, PNG or WebP picture, at most 2 MB.",
            "accent_color": "Used for the portal's header, buttons and links.",
            "support_phone": "Shown on every portal page and email.",
            "support_email": "Shown on every portal page; replies to emails go here.",
        }
        widgets = {
            "accent_color": ColourInput(),
            "welcome_message": forms.Textarea(attrs={"rows": 3}),
            "pdf_terms": forms.Textarea(attrs={"rows": 4}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "banner": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
        error_messages = {
            "support_email": {"invalid": "Enter an email address such as office@example.com."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Names the contrast warning next to the picker, for screen readers too.
        self.fields["accent_color"].widget.attrs["aria-describedby"] = (
            "id_accent_color_helptext contrast-warning"
        )

    def _picture(self, name: str) -> Any:
        upload = self.cleaned_data.get(name)
        if upload and upload is not getattr(self.instance, name, None) and hasattr(upload, "size"):
            try:
                return branding_image_checked(upload, company_id=self.instance.pk, folder=name)
            except DomainError as error:
                raise forms.ValidationError(error.message) from error
        return upload

    def clean_logo(self) -> Any:
        return self._picture("logo")

    def clean_banner(self) -> Any:
        return self._picture("banner")

    def clean_accent_color(self) -> str:
        colour = (self.cleaned_data.get("accent_color") or "").strip()
        if not HEX_COLOUR.fullmatch(colour):
            raise forms.ValidationError("Choose a colour, or type one like #1f6feb.")
        return colour.lower()


class NotificationDefaultsForm(forms.Form):
    """One email and one text checkbox per event a customer may choose for."""

    def __init__(self, *args: Any, rows: list[tuple[str, str, bool, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for event, label, email, sms in rows:
            self.fields[f"{event}__email"] = forms.BooleanField(
                label=f"{label}: email", required=False, initial=email
            )
            self.fields[f"{event}__sms"] = forms.BooleanField(
                label=f"{label}: text message", required=False, initial=sms
            )

    def table(self) -> list[tuple[str, Any, Any]]:
        return [(label, self[f"{e}__email"], self[f"{e}__sms"]) for e, label, _, _ in self.rows]

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {
            event: (bool(data[f"{event}__email"]), bool(data[f"{event}__sms"]))
            for event, _, _, _ in self.rows
        }


class WordingForm(forms.Form):
    email_subject = forms.CharField(label="Email subject", max_length=200, required=False)
    email_body = forms.CharField(
        label="Email words", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    sms_body = forms.CharField(
        label="Text message",
        max_length=480,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Keep it short: about 160 characters is one text.",
    )

    def __init__(self, *args: Any, fields: tuple[str, ...], problems: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        self._problems = problems

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        texts = {name: data.get(name) or "" for name in self.fields}
        for field, message in self._problems(texts).items():
            if field in self.fields:
                self.add_error(field, message)
        return data


class PlanForm(forms.Form):
    plan = forms.ChoiceField(
        label="Plan",
        choices=[("", "The installation's default plan")]
        + [(code, PLANS[code].name) for code in (*SELLABLE, "everything")],
        widget=forms.RadioSelect,
        required=False,
    )
