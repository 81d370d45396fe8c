"""The period selector of the adoption page (a GET form: it changes nothing)."""

from __future__ import annotations

from datetime import date

from django import forms

from doorstep.adoption.models import Weekday
from doorstep.adoption.periods import PERIODS, Period, period_parse


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label="Period", choices=[*PERIODS.items(), ("custom", "Custom dates")], required=False
    )
    start = forms.CharField(
        label="First day",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For custom dates.",
    )
    end = forms.CharField(
        label="Last day",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For custom dates.",
    )

    def period_for(self, *, today: date) -> Period:
        """The period asked for; a bad custom date shows its message and the default period."""
        period, errors = period_parse(self.data, today=today)
        self.is_valid()
        for name, message in errors.items():
            self.add_error(name, message)
        return period


class DigestForm(forms.Form):
    """The owners' weekly email (docs/adoption.md, "Weekly digest")."""

    enabled = forms.BooleanField(label="Email the owners a weekly digest", required=False)
    weekday = forms.TypedChoiceField(
        label="Day it goes out",
        choices=Weekday.choices,
        coerce=int,
        help_text="From 8 am in the company's time zone.",
        error_messages={"invalid_choice": "Choose a day of the week."},
    )
