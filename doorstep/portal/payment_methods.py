"""Portal pages: the customer's saved cards and autopay (full sessions only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from doorstep.access.portal_sessions import PortalIdentity, client_ip
from doorstep.core.errors import DomainError, NotFound
from doorstep.payments import methods as saved

from .gate import portal_page
from .pages import portal_actor, portal_render


@portal_page
def methods(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    return _methods_page(request, identity)


def _methods_page(
    request: HttpRequest, identity: PortalIdentity, *, autopay_error: str = "", status: int = 200
) -> HttpResponse:
    company, customer = identity.company, identity.customer
    cards = saved.saved_methods_for_customer(company=company, customer=customer)
    consent = saved.autopay_for_customer(company=company, customer=customer)
    return portal_render(
        request,
        identity,
        "payments/methods.html",
        nav="payment_methods",
        cards=cards,
        consent=consent,
        autopay_offered=company.settings.autopay_enabled,
        autopay_text=saved.autopay_text(company),
        autopay_error=autopay_error,
        http_status=status,
    )


@require_POST
@portal_page
def method_remove(request: HttpRequest, identity: PortalIdentity, method_id: int) -> HttpResponse:
    saved.saved_method_remove(
        company=identity.company,
        customer=identity.customer,
        method_id=method_id,
        actor=portal_actor(request, identity),
    )
    messages.success(request, "The card was removed.")
    return redirect("payments:methods", identity.company.slug)


@require_POST
@portal_page
def autopay(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    company, customer = identity.company, identity.customer
    if request.POST.get("action") == "off":
        saved.autopay_disable(
            company=company, customer=customer, actor=portal_actor(request, identity)
        )
        messages.success(request, "Autopay is off.")
    else:
        try:
            if request.POST.get("consent") != "yes":
                raise DomainError("Tick the box to agree to automatic payments.", field="consent")
            saved.autopay_enable(
                company=company,
                customer=customer,
                method_id=request.POST.get("saved_method"),
                actor=portal_actor(request, identity),
                ip_address=client_ip(request),
            )
        except NotFound:
            raise  # not their card: the portal's 404, like any other object of someone else
        except DomainError as exc:  # said next to the box, on the same page; nothing changed
            return _methods_page(request, identity, autopay_error=exc.message, status=400)
        messages.success(request, "Autopay is on.")
    return redirect("payments:methods", company.slug)
