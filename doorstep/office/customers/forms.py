"""The customer forms: details, the first contact and address, contacts and addresses on the
edit page, staff notes, a document to share. Errors appear next to the field."""

from __future__ import annotations

from typing import Any

from django import forms

from doorstep.core.uploads import DOCUMENT_KINDS, MAX_DOCUMENT_BYTES
from doorstep.customers.models import Contact, Customer, Location
from doorstep.documents.models import DocumentKind


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["kind", "name", "billing_address"]
        labels = {"kind": "Customer is a", "billing_address": "Billing address"}
        widgets = {"billing_address": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"name": {"required": "Type the customer's name."}}

    def clean_name(self) -> str:
        name = " ".join((self.cleaned_data.get("name") or "").split())
        if not name:
            raise forms.ValidationError("Type the customer's name.")
        return name


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "email", "phone", "is_primary"]
        labels = {"is_primary": "Primary contact (gets invoices and portal access)"}
        error_messages = {
            "name": {"required": "Type the contact's name."},
            "email": {"invalid": "That email address does not look right (name@example.com)."},
        }

    def _get_validation_exclusions(self) -> set[str]:
        # Moving "primary" from one contact to another is one edit: the service clears the
        # old primary first; checking the constraint row by row would refuse it.
        return {*super()._get_validation_exclusions(), "is_primary"}  # type: ignore[misc]

    def clean_phone(self) -> str:
        phone = (self.cleaned_data.get("phone") or "").strip()
        digits = sum(ch.isdigit() for ch in phone)
        if phone and (digits < 7 or any(ch.isalpha() for ch in phone)):
            raise forms.ValidationError(
                "Type a phone number with its area code, e.g. 555 123 4567."
            )
        return phone


class FirstContactForm(ContactForm):
    """The new customer's first contact (always the primary one); optional as a whole."""

    class Meta(ContactForm.Meta):
        fields = ["name", "email", "phone"]
        labels = {"name": "Contact name", "email": "Contact email", "phone": "Contact phone"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = "Leave empty to use the customer's name."

    def has_contact(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("email") or data.get("phone"))


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["label", "street", "city", "region", "postal_code", "access_notes"]
        widgets = {"access_notes": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "street": {"required": "Type the street and number."},
            "city": {"required": "Type the city."},
        }


class FirstLocationForm(LocationForm):
    """The new customer's first service address; optional as a whole."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("street", "city"):
            self.fields[name].required = False

    def has_address(self) -> bool:
        return any(self.cleaned_data.get(n) for n in ("street", "city", "postal_code"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.has_address():
            if not cleaned.get("street"):
                self.add_error("street", "Type the street and number, or leave the address empty.")
            if not cleaned.get("city"):
                self.add_error("city", "Type the city, or leave the address empty.")
        return cleaned


class ContactBaseFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        primaries = [
            f
            for f in self.forms
            if getattr(f, "cleaned_data", None) and f.cleaned_data.get("is_primary")
        ]
        for extra in primaries[1:]:
            extra.add_error("is_primary", "Only one contact can be the primary contact.")


ContactFormSet = forms.inlineformset_factory(
    Customer, Contact, form=ContactForm, formset=ContactBaseFormSet, extra=1, can_delete=False
)
LocationFormSet = forms.inlineformset_factory(
    Customer, Location, form=LocationForm, extra=1, can_delete=False
)


class NotesForm(forms.Form):
    notes = forms.CharField(
        label="Notes for staff",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only your staff see these notes; they never appear in the customer's portal.",
        error_messages={"max_length": "Please keep the notes under 10,000 characters."},
    )


ACCEPTED = ", ".join(sorted({k.label for k in DOCUMENT_KINDS.values()}))


class DocumentForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the document a title the customer will recognise."},
    )
    kind = forms.ChoiceField(label="Kind of document", choices=DocumentKind.choices)
    description = forms.CharField(max_length=500, required=False)
    file = forms.FileField(
        help_text=f"{ACCEPTED}; up to {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.",
        error_messages={"required": "Choose the file to share.", "empty": "That file is empty."},
    )
