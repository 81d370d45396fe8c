"""Settings in plain words (owners): portal and sections, sign-in, payments, branding,
notification defaults. Thin views: a form reads the input, `company_settings_change` writes
and audits; bad input is shown next to the field and nothing is saved."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from doorstep.core.colour import accent_warning
from doorstep.notifications.defaults import (
    default_channels,
    defaultable_events,
    notification_defaults_save,
)
from doorstep.notifications.models import NotificationEvent
from doorstep.payments.connect import connect_configured
from doorstep.tenancy.features import feature_states
from doorstep.tenancy.models import (
    PaymentProviderName,
    RegistrationPolicy,
    SignInMode,
)
from doorstep.tenancy.plans import PLANS, plan_of
from doorstep.tenancy.roles import StaffAction
from doorstep.tenancy.settings_changes import company_plan_set, company_settings_change

from ..gate import Office, office_page
from ..pages import office_render
from .forms import (
    BrandingForm,
    NotificationDefaultsForm,
    PaymentsForm,
    PlanForm,
    PortalForm,
    SignInForm,
    percent_words,
)
from .groups import GROUPS

EDIT = StaffAction.EDIT_SETTINGS


def _page(
    request: HttpRequest, office: Office, template: str, current: str, **context: Any
) -> HttpResponse:
    status = 400 if any(getattr(f, "errors", None) for f in context.values()) else 200
    return office_render(
        request,
        office,
        f"office/settings/{template}",
        {"groups": GROUPS, "current": current, **context},
        status=status,
    )


def _labels(form: Any) -> dict[str, str]:
    return {name: str(field.label) for name, field in form.fields.items()}


def _saved(request: HttpRequest, changed: list[str]) -> None:
    if changed:
        messages.success(request, "Saved: " + ", ".join(changed) + ".")
    else:
        messages.info(request, "Nothing to save: no setting was changed.")


@office_page(EDIT)
def index(request: HttpRequest, office: Office) -> HttpResponse:
    company, settings = office.company, office.company.settings
    states = feature_states(company=company)
    fee = settings.platform_fee_basis_points
    summaries = {
        "office:settings:portal": (
            ("On" if settings.portal_enabled else "Off")
            + " · customers see: "
            + (", ".join(s.label for s in states if s.on) or "nothing")
        ),
        "office:settings:sign_in": f"{SignInMode(settings.sign_in_mode).label}; links work for "
        f"{settings.login_link_minutes} minutes; "
        f"{RegistrationPolicy(settings.registration_policy).label.lower()}",
        "office:settings:payments": PaymentProviderName(settings.payment_provider).label
        + (f"; Stripe account {settings.stripe_account_id}" if settings.stripe_account_id else "")
        + ("" if fee is None else f"; platform fee {percent_words(fee)}%"),
        "office:settings:branding": f"Brand colour {company.accent_color}"
        + ("; logo" if company.logo else "; no logo yet"),
    }
    return _page(
        request,
        office,
        "index.html",
        "",
        summaries=summaries,
        plan=plan_of(company),
        warning=accent_warning(company.accent_color),
    )


@office_page(EDIT)
def portal(request: HttpRequest, office: Office) -> HttpResponse:
    company, settings = office.company, office.company.settings
    states = feature_states(company=company)
    initial = {
        "portal_enabled": settings.portal_enabled,
        "service_requests_enabled": settings.service_requests_enabled,
        **{s.switch_field: s.switched_on for s in states},
    }
    form = PortalForm(request.POST or None, initial=initial, states=states)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if not form.fields[k].disabled}
        changed = company_settings_change(
            company=company,
            actor=office.actor,
            settings_fields=values,
            group="Portal",
            labels=_labels(form),
        )
        _saved(request, changed)
        return redirect("office:settings:portal")
    return _page(request, office, "portal.html", "office:settings:portal", form=form, states=states)


@office_page(EDIT)
def sign_in(request: HttpRequest, office: Office) -> HttpResponse:
    settings = office.company.settings
    initial = {
        "sign_in_mode": settings.sign_in_mode,
        "registration_policy": settings.registration_policy,
        "login_link_minutes": settings.login_link_minutes,
    }
    form = SignInForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = company_settings_change(
            company=office.company,
            actor=office.actor,
            settings_fields=form.cleaned_data,
            group="Sign-in",
            labels=_labels(form),
        )
        _saved(request, changed)
        return redirect("office:settings:sign_in")
    return _page(request, office, "form.html", "office:settings:sign_in", form=form,
                 heading="Sign-in and registration")  # fmt: skip


@office_page(EDIT)
def payments(request: HttpRequest, office: Office) -> HttpResponse:
    company, settings = office.company, office.company.settings
    form = PaymentsForm(
        request.POST or None,
        initial=PaymentsForm.initial_for(settings, company),
        company=company,
        fee_editable=office.user.is_superuser,
    )
    if request.method == "POST" and form.is_valid():
        changed = company_settings_change(
            company=company,
            actor=office.actor,
            settings_fields=form.settings_values(),
            group="Payments",
            labels={**_labels(form), "platform_fee_basis_points": "Platform fee"},
        )
        _saved(request, changed)
        return redirect("office:settings:payments")
    fee = settings.platform_fee_basis_points
    return _page(
        request,
        office,
        "payments.html",
        "office:settings:payments",
        form=form,
        # The company's override, else the installation's default: always a real number.
        fee_words=percent_words(
            fee if fee is not None else django_settings.PLATFORM_FEE_BASIS_POINTS
        ),
        stripe_ready=connect_configured(),
        account=settings.stripe_account_id,
    )


@office_page(EDIT)
def branding(request: HttpRequest, office: Office) -> HttpResponse:
    company = office.company
    # The form works on a copy: a ModelForm writes its input into its instance while it
    # validates, and the writer below compares the input with the company as it is.
    form = BrandingForm(request.POST or None, request.FILES or None, instance=copy.copy(company))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in BrandingForm.Meta.fields}
        # A picture changes only when one is uploaded or "Clear" is ticked (False).
        for name in ("logo", "banner"):
            if values[name] is False:
                values[name] = ""
            elif not isinstance(values[name], UploadedFile):
                del values[name]
        changed = company_settings_change(
            company=company,
            actor=office.actor,
            company_fields=values,
            group="Branding",
            labels=_labels(form),
        )
        _saved(request, changed)
        return redirect("office:settings:branding")
    colour = form.data.get("accent_color") if form.is_bound else company.accent_color
    return _page(
        request,
        office,
        "branding.html",
        "office:settings:branding",
        form=form,
        warning=accent_warning(colour or ""),
    )


@office_page(EDIT)
def contrast(request: HttpRequest, office: Office) -> HttpResponse:
    """htmx: the warning next to the colour picker, as the owner moves it."""
    return render(
        request,
        "office/settings/_contrast.html",
        {"warning": accent_warning(request.GET.get("accent_color", ""))},
    )


@office_page(EDIT)
def notifications(request: HttpRequest, office: Office) -> HttpResponse:
    company = office.company
    rows = [
        (
            event,
            str(NotificationEvent(event).label),
            *default_channels(company=company, event=event),
        )
        for event in defaultable_events()
    ]
    form = NotificationDefaultsForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        changed = notification_defaults_save(
            company=company, choices=form.choices(), actor=office.actor
        )
        _saved(request, [str(NotificationEvent(e).label) for e in changed])
        return redirect("office:settings:notifications")
    return _page(request, office, "notifications.html", "office:settings:notifications", form=form)


@office_page(EDIT)
def plan(request: HttpRequest, office: Office) -> HttpResponse:
    """The operator (a superuser) gives the company a plan. Owners see theirs, read-only."""
    company = office.company
    form = PlanForm(request.POST or None, initial={"plan": company.plan})
    if request.method == "POST":
        if not office.user.is_superuser:
            return render(
                request,
                "office/forbidden.html",
                {"office": office, "company": company},
                status=403,
            )
        if form.is_valid():
            company_plan_set(company=company, plan=form.cleaned_data["plan"], actor=office.actor)
            messages.success(request, f"{company.name} is now on the {plan_of(company).name} plan.")
            return redirect("office:settings:plan")
    return _page(
        request,
        office,
        "plan.html",
        "office:settings:plan",
        form=form,
        plan=plan_of(company),
        plans=[PLANS[c] for c in ("starter", "pro", "everything")],
        states=feature_states(company=company),
        operator=office.user.is_superuser,
    )
