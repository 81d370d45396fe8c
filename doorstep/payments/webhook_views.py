"""The provider's webhook endpoint: raw body in, 200/400 out. No session, no CSRF."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .webhooks import webhook_receive

log = logging.getLogger("doorstep.payments.webhooks")
SIGNATURE_HEADERS = {"stripe": "HTTP_STRIPE_SIGNATURE", "demo": "HTTP_STRIPE_SIGNATURE"}


@csrf_exempt  # authenticated by the HMAC signature on the raw body instead
@require_POST
def receive(request: HttpRequest, provider: str) -> HttpResponse:
    if provider not in SIGNATURE_HEADERS:
        return HttpResponse("unknown provider", status=404, content_type="text/plain")
    if provider == "stripe" and not settings.STRIPE_WEBHOOK_SECRET:
        # A misconfiguration: logged as an error for the operator. The answer is a 4xx, not a
        # server error (Stripe retries any non-2xx answer for 3 days, so nothing is lost once
        # the secret is set; and an unauthenticated caller must never cause a 5xx).
        log.error("STRIPE_WEBHOOK_SECRET is not set: refusing Stripe webhooks")
        return HttpResponse("webhook secret not configured", status=400, content_type="text/plain")
    received = webhook_receive(
        provider=provider,
        payload=request.body,
        signature=request.META.get(SIGNATURE_HEADERS[provider], ""),
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )
    return HttpResponse(received.reason, status=received.status, content_type="text/plain")
