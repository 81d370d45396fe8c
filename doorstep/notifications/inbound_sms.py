"""Twilio's inbound-SMS webhook: a customer texting STOP or START back to us.

Not a portal page: Twilio calls it, authenticated by its signature, outside the portal's
cookie path (mounted at /hooks/twilio/<company_slug>/sms by webhook_urls.py)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from doorstep.tenancy.rls import tenant_scope
from doorstep.tenancy.selectors import company_by_slug

from .sms import sms_inbound_handle


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
    with tenant_scope(company):  # the inbound SMS gate (docs/adr/0003)
        sms_inbound_handle(
            company=company,
            from_number=request.POST.get("From", ""),
            body=request.POST.get("Body", ""),
        )
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?><Response></Response>', content_type="text/xml"
    )
