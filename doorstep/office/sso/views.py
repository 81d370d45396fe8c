"""The office's single sign-on area (docs/access.md, "Identity providers"): the company's
OpenID Connect providers (owners: StaffAction.EDIT_SETTINGS) and which customers must sign in
with one (StaffAction.MANAGE_PORTAL_ACCESS; switching it on or off is confirmed first)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from doorstep.access.oidc import identity_provider_save
from doorstep.access.selectors import (
    customer_for_contact_email,
    customers_requiring_sso,
    identity_provider_of,
    identity_providers,
    sso_customer_of,
)
from doorstep.access.sso_requirement import customer_requires_sso, sso_requirement_set
from doorstep.core.errors import DomainError
from doorstep.core.links import portal_url
from doorstep.tenancy.roles import StaffAction

from ..gate import Office, office_page
from ..pages import office_render
from .forms import CustomerFindForm, ProviderForm

SETTINGS = StaffAction.EDIT_SETTINGS
ACCESS = StaffAction.MANAGE_PORTAL_ACCESS


@office_page(ACCESS)
def sso_index(request: HttpRequest, office: Office) -> HttpResponse:
    form = CustomerFindForm(request.GET or None)
    if form.is_bound and form.is_valid():
        customer = customer_for_contact_email(
            company=office.company, email=form.cleaned_data["email"]
        )
        if customer is not None:
            return redirect("office:sso:customer", customer.pk)
        form.add_error("email", "No customer of yours has a contact with this address.")
    context = {
        "providers": identity_providers(company=office.company),
        "customers": customers_requiring_sso(company=office.company),
        "find": form,
        "may_edit": office.may(SETTINGS),
        # What staff register with the provider as the redirect (callback) URL.
        "callback_url": portal_url(office.company, "sign-in/sso/callback"),
    }
    return office_render(request, office, "office/sso/list.html", context)


@office_page(SETTINGS)
def provider_edit(request: HttpRequest, office: Office, pk: int | None = None) -> HttpResponse:
    provider = None
    if pk is not None:
        provider = identity_provider_of(company=office.company, provider_id=pk)
        if provider is None:
            raise Http404("No such identity provider.")
    initial = (
        {
            "name": provider.name,
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "enabled": provider.enabled,
        }
        if provider
        else None
    )
    secret_set = bool(provider and provider.sealed_client_secret)
    form = ProviderForm(request.POST or None, initial=initial, secret_set=secret_set)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = identity_provider_save(
                company=office.company,
                actor=office.actor,
                provider=provider,
                name=data["name"],
                issuer=data["issuer"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                enabled=data["enabled"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("office:sso:list")
    context = {"form": form, "provider": provider}
    status = 400 if request.method == "POST" else 200
    return office_render(request, office, "office/sso/provider_edit.html", context, status)


@office_page(ACCESS)
def customer_requirement(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """Confirm, then switch "must sign in with SSO" for one customer."""
    customer = sso_customer_of(company=office.company, customer_id=pk)
    if customer is None:
        raise Http404("No such customer.")
    required = customer_requires_sso(company=office.company, customer=customer)
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        try:
            sso_requirement_set(
                company=office.company, customer=customer, required=not required,
                actor=office.actor,
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"{customer.name} now signs in with single sign-on only."
                if not required
                else f"{customer.name} may sign in with links and passwords again.",
            )
        return redirect("office:sso:list")
    if required:
        question = f"Let {customer.name} sign in with links and passwords again?"
        details = [("Now", "Single sign-on only"), ("After", "Any sign-in method you offer")]
        label = "Allow links and passwords"
    else:
        question = f"Require {customer.name} to sign in with single sign-on?"
        details = [
            ("After", "Only “Sign in with …” works for every contact of this customer"),
            ("Refused", "Sign-in links, codes, invoice links and passwords"),
        ]
        label = "Require single sign-on"
    context = {
        "question": question,
        "details": details,
        "confirm_label": label,
        "cancel_url": reverse("office:sso:list"),
        "danger": not required,
    }
    return office_render(request, office, "office/confirm.html", context)
