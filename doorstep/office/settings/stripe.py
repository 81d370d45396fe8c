"""Connect with Stripe: the button sends the owner to Stripe's hosted onboarding; Stripe sends
them back here; the account's state (charges enabled, or what Stripe still needs) loads into
the payments page without holding the page up while Stripe answers."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from doorstep.core.links import office_url
from doorstep.payments.connect import (
    ProviderError,
    connect_configured,
    stripe_account_state,
    stripe_onboarding_start,
)
from doorstep.tenancy.roles import StaffAction

from ..gate import Office, office_page

EDIT = StaffAction.EDIT_SETTINGS
UNREACHABLE = "Stripe could not be reached just now. Nothing changed; try again in a minute."


def _office_link(name: str) -> str:
    return office_url(reverse(name).removeprefix("/office/"))


def _to_stripe(request: HttpRequest, office: Office) -> HttpResponse:
    if not connect_configured():
        messages.error(request, "Stripe is not set up on this installation yet (no secret key).")
        return redirect("office:settings:payments")
    try:
        url = stripe_onboarding_start(
            company=office.company,
            actor=office.actor,
            return_url=_office_link("office:settings:stripe_return"),
            refresh_url=_office_link("office:settings:stripe_refresh"),
        )
    except ProviderError:
        messages.error(request, UNREACHABLE)
        return redirect("office:settings:payments")
    return redirect(url)


@require_POST
@office_page(EDIT)
def connect(request: HttpRequest, office: Office) -> HttpResponse:
    return _to_stripe(request, office)


@office_page(EDIT)
def refresh(request: HttpRequest, office: Office) -> HttpResponse:
    """Stripe's refresh_url: the onboarding link expired or was used; make a fresh one."""
    return _to_stripe(request, office)


@office_page(EDIT)
def back(request: HttpRequest, office: Office) -> HttpResponse:
    messages.info(request, "Back from Stripe. The account's state is shown below.")
    return redirect("office:settings:payments")


@office_page(EDIT)
def state(request: HttpRequest, office: Office) -> HttpResponse:
    """htmx (or a plain link without JavaScript): the connected account's state."""
    try:
        account_state, error = stripe_account_state(company=office.company), ""
    except ProviderError:
        account_state, error = None, UNREACHABLE
    return render(
        request,
        "office/settings/_stripe_state.html",
        {"state": account_state, "error": error, "company": office.company},
    )
