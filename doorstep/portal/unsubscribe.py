"""The one-click unsubscribe link at the foot of every customer email (RFC 8058): no sign-in,
the signed token names the company, the customer and the event."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from doorstep.access.portal_sessions import client_ip
from doorstep.core.audit import Actor
from doorstep.customers.models import Customer
from doorstep.notifications import preferences as prefs
from doorstep.notifications.customer_notices import unsubscribe_token_read
from doorstep.notifications.models import NotificationEvent
from doorstep.tenancy.models import Company

from .gate import company_page


@csrf_exempt  # RFC 8058: mail providers POST here without our cookie; the token is the key
@company_page
def unsubscribe(request: HttpRequest, company: Company, token: str) -> HttpResponse:
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
