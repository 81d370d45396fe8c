"""Secrets a company stores (the Twilio auth token) are write-only in every back-office form.

Nobody reads one back, whatever their role: the page shows whether it is set, the input is
always empty, a blank input keeps the current value and typing replaces it. A view-only page
shows "Set" or "Not set" instead of the field (a read-only admin field would print the value).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

SET_HINT = "Set — type to replace."
UNSET_HINT = "Not set."


class WriteOnlySecretsForm(forms.ModelForm):
    """Mixed before a ModelForm: `secret_fields` never render their value; blank keeps it."""

    secret_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.secret_fields:
            if name not in self.fields:
                continue
            field = self.fields[name]
            field.required = False
            field.widget = forms.PasswordInput(
                render_value=False, attrs={"autocomplete": "new-password"}
            )
            field.help_text = SET_HINT if getattr(self.instance, name, "") else UNSET_HINT
            # The stored value never reaches the page, not even as the "initial" to compare.
            self.initial[name] = ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.secret_fields:
            if name in self.fields and not (cleaned.get(name) or "").strip():
                cleaned[name] = getattr(self.instance, name, "")  # blank: keep what is set
        return cleaned


def secret_state(value: str) -> str:
    return "Set" if value else "Not set"


class WriteOnlySecretsInline:
    """For an inline with secret fields: the write-only form when the user may change the
    record, the "Set"/"Not set" line when they may only view it. The inline defines one
    display method `<field>_state` per secret (calling `secret_state`)."""

    secret_fields: tuple[str, ...] = ()

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        base = kwargs.get("form", getattr(self, "form", forms.ModelForm))
        kwargs["form"] = type(
            f"WriteOnly{base.__name__}",
            (WriteOnlySecretsForm, base),
            {"secret_fields": self.secret_fields},
        )
        return super().get_formset(request, obj, **kwargs)  # type: ignore[misc]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        if self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            return fieldsets
        return [
            (
                title,
                {
                    **opts,
                    "fields": [
                        f"{name}_state" if name in self.secret_fields else name
                        for name in opts["fields"]
                    ],
                },
            )
            for title, opts in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return [*fields, *(f"{name}_state" for name in self.secret_fields)]
