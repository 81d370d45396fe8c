"""The providers' webhook endpoint: raw body in, 200/400 out. No session, no CSRF."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .providers.base import PROVIDERS, provider_named
from .webhooks import webhook_receive

log = logging.getLogger("doorstep.payments.webhooks")


@csrf_exempt  # authenticated by the provider's signature on the raw body instead
@require_POST
def receive(request: HttpRequest, provider: str) -> HttpResponse:
    if provider not in PROVIDERS:
        return HttpResponse("unknown provider", status=404, content_type="text/plain")
    handler = provider_named(provider)
    problem = handler.webhook_problem()
    if problem:
        # A misconfiguration: logged as an error for the operator. The answer is a 4xx, not a
        # server error (providers retry any non-2xx answer, Stripe for 3 days, so nothing is
        # lost once the secret is set; and an unauthenticated caller must never cause a 5xx).
        log.error(problem)
        return HttpResponse("webhook secret not configured", status=400, content_type="text/plain")
    try:
        received = webhook_receive(
            provider=provider,
            payload=request.body,
            signature=request.META.get(handler.signature_header, ""),
            ip_address=request.META.get("REMOTE_ADDR") or None,
        )
    except DatabaseError:
        # Nothing was stored (the transaction rolled back, webhooks.py logged why): the
        # provider delivers the event again later.
        return HttpResponse("try again later", status=503, content_type="text/plain")
    return HttpResponse(received.reason, status=received.status, content_type="text/plain")
