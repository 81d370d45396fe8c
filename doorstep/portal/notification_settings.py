"""Portal pages for notification preferences and the verified mobile number; the one-click
unsubscribe endpoint; Twilio's inbound-SMS webhook."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from doorstep.access.decorators import company_portal, portal_view
from doorstep.access.portal_sessions import client_ip
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.customers.models import Customer
from doorstep.tenancy.selectors import company_by_slug

from . import preferences as prefs
from .customer_notices import unsubscribe_token_read
from .events import ALWAYS_ON
from .models import CustomerPhone, NotificationEvent
from .sms import sms_configured, sms_inbound_handle


def portal_actor(request: HttpRequest) -> Actor:
    return Actor.portal(request.portal.account.email, client_ip(request))  # type: ignore[attr-defined]


@portal_view()
def preferences_page(request: HttpRequest, company_slug: str) -> HttpResponse:
    portal = request.portal  # type: ignore[attr-defined]
    company, customer = portal.company, portal.customer
    phone = CustomerPhone.objects.for_company(company).filter(customer=customer).first()
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "save":
                texts_possible = phone is not None and phone.can_receive_texts
                current = {
                    row.event: row
                    for row in prefs.preferences_for_customer(company=company, customer=customer)
                }
                choices = {
                    event: (
                        request.POST.get(f"{event}-email") == "on",
                        # Without a verified number the text boxes are disabled (not sent):
                        # keep what was chosen so verifying later brings it back.
                        request.POST.get(f"{event}-sms") == "on"
                        if texts_possible
                        else current[event].sms,
                    )
                    for event in prefs.choosable_events()
                }
                prefs.preferences_save(
                    company=company, customer=customer, choices=choices, actor=portal_actor(request)
                )
                messages.success(request, "Your notification choices are saved.")
            elif action == "send_code":
                prefs.phone_verification_start(
                    company=company,
                    customer=customer,
                    phone=request.POST.get("phone", ""),
                    actor=portal_actor(request),
                )
                messages.success(request, "We texted you a 6-digit code. Enter it below.")
            elif action == "verify":
                prefs.phone_verification_confirm(
                    company=company,
                    customer=customer,
                    code=request.POST.get("code", ""),
                    actor=portal_actor(request),
                )
                messages.success(request, "Your mobile number is verified.")
            elif action == "remove_phone":
                prefs.phone_remove(company=company, customer=customer, actor=portal_actor(request))
                messages.success(request, "We removed your mobile number.")
            return redirect(reverse("notifications:preferences", args=[company.slug]))
        except DomainError as error:
            errors[error.field or "form"] = error.message
            status = 400
    return render(
        request,
        "notifications/preferences.html",
        {
            "company": company,
            "portal": portal,
            "nav": "notifications",
            "rows": prefs.preferences_for_customer(company=company, customer=customer),
            "always_on": ALWAYS_ON,
            "phone": phone,
            "sms_available": sms_configured(company),
            "errors": errors,
            "typed_phone": request.POST.get("phone", "") if request.method == "POST" else "",
        },
        status=status,
    )


@csrf_exempt  # RFC 8058: mail providers POST here without our cookie; the token is the key
@company_portal
def unsubscribe(request: HttpRequest, company_slug: str, token: str) -> HttpResponse:
    company = request.company  # type: ignore[attr-defined]
    data = unsubscribe_token_read(token)
    if not data or data.get("c") != company.pk:
        raise Http404("Unknown link.")
    customer = Customer.objects.for_company(company).filter(pk=data.get("u")).first()
    event = str(data.get("e", ""))
    if customer is None or event not in prefs.choosable_events():
        raise Http404("Unknown link.")
    done = False
    if request.method == "POST":
        prefs.email_unsubscribe(
            company=company,
            customer=customer,
            event=event,
            actor=Actor.portal(f"unsubscribe link ({customer.name})", client_ip(request)),
        )
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"company": company, "event_label": NotificationEvent(event).label, "done": done},
    )


@csrf_exempt  # Twilio cannot send our CSRF token; its signature authenticates the request
@require_POST
def twilio_inbound(request: HttpRequest, company_slug: str) -> HttpResponse:
    company = company_by_slug(slug=company_slug)
    if company is None:
        raise Http404("No such company.")
    token = company.settings.twilio_auth_token
    if not token:
        return HttpResponseForbidden("Text messages are not set up.")
    # The URL Twilio signed is the public one: build it from BASE_URL, not the Host header.
    url = settings.BASE_URL + request.get_full_path()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not RequestValidator(token).validate(url, request.POST.dict(), signature):
        return HttpResponseForbidden("Bad signature.")
    sms_inbound_handle(
        company=company,
        from_number=request.POST.get("From", ""),
        body=request.POST.get("Body", ""),
    )
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?><Response></Response>', content_type="text/xml"
    )
