"""Portal page: the customer's notification choices (email / text per event) and their
verified mobile number."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from doorstep.access.portal_sessions import PortalIdentity
from doorstep.core.errors import DomainError
from doorstep.notifications import preferences as prefs
from doorstep.notifications.events import ALWAYS_ON
from doorstep.notifications.models import CustomerPhone
from doorstep.notifications.sms import sms_configured

from .gate import portal_page
from .pages import portal_actor, portal_render


@portal_page
def preferences_page(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    company, customer = identity.company, identity.customer
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
                    company=company,
                    customer=customer,
                    choices=choices,
                    actor=portal_actor(request, identity),
                )
                messages.success(request, "Your notification choices are saved.")
            elif action == "send_code":
                prefs.phone_verification_start(
                    company=company,
                    customer=customer,
                    phone=request.POST.get("phone", ""),
                    actor=portal_actor(request, identity),
                )
                messages.success(request, "We texted you a 6-digit code. Enter it below.")
            elif action == "verify":
                prefs.phone_verification_confirm(
                    company=company,
                    customer=customer,
                    code=request.POST.get("code", ""),
                    actor=portal_actor(request, identity),
                )
                messages.success(request, "Your mobile number is verified.")
            elif action == "remove_phone":
                prefs.phone_remove(
                    company=company, customer=customer, actor=portal_actor(request, identity)
                )
                messages.success(request, "We removed your mobile number.")
            return redirect(reverse("notifications:preferences", args=[company.slug]))
        except DomainError as error:
            errors[error.field or "form"] = error.message
            status = 400
    return portal_render(
        request,
        identity,
        "notifications/preferences.html",
        nav="notifications",
        http_status=status,
        rows=prefs.preferences_for_customer(company=company, customer=customer),
        always_on=ALWAYS_ON,
        phone=phone,
        sms_available=sms_configured(company),
        errors=errors,
        typed_phone=request.POST.get("phone", "") if request.method == "POST" else "",
    )
