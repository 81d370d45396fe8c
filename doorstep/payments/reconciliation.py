"""Catch up with the provider: a webhook missed during an outage is found here.

Every few minutes (scheduler job `payments.reconcile`):
- attempts still pending / needing confirmation / processing are looked up at the provider;
- confirmation steps abandoned for ABANDONED_AFTER are cancelled, which frees the balance;
- an attempt whose charge call never answered is asked again with the same idempotency key;
- stored events whose handling task was lost are handled.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone

from doorstep.core.audit import Actor

from .checkout import payment_cancel, payment_charge, payment_refresh
from .models import (
    IN_FLIGHT_STATES,
    Payment,
    PaymentSource,
    PaymentState,
    ProviderCustomer,
    WebhookEvent,
)
from .providers.base import ProviderError
from .webhooks import webhook_handle

log = logging.getLogger("doorstep.payments.reconciliation")
ACTOR = Actor.system("Reconciliation")
QUIET_FOR = timedelta(minutes=2)  # leave fresh attempts to the browser and the webhook
ABANDONED_AFTER = timedelta(minutes=30)


def payments_reconcile(*, now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"checked": 0, "changed": 0, "events": 0}
    stuck = (
        Payment.objects.select_related("company__settings", "saved_method")
        .filter(state__in=IN_FLIGHT_STATES, updated_at__lte=now - QUIET_FOR)
        .exclude(provider="")
        .order_by("updated_at")[:limit]
    )
    for payment in stuck:
        counts["checked"] += 1
        before = payment.state
        try:
            payment = _catch_up(payment, now)
        except ProviderError as exc:
            log.warning("reconcile payment %s: %s", payment.pk, exc)
            continue
        counts["changed"] += int(payment.state != before)
    lost = WebhookEvent.objects.filter(
        handled_at__isnull=True, received_at__lte=now - timedelta(minutes=1)
    ).values_list("pk", flat=True)[:limit]
    for pk in lost:
        webhook_handle(event_pk=pk)
        counts["events"] += 1
    return counts


def _catch_up(payment: Payment, now: datetime) -> Payment:
    if not payment.provider_reference:
        if not payment.provider_method_ref:
            if payment.updated_at <= now - ABANDONED_AFTER:
                return payment_cancel(payment=payment, actor=ACTOR)
            return payment
        # The charge call never answered: the same key replays the provider's answer.
        customer_ref = payment.saved_method.provider_customer_ref if payment.saved_method else ""
        if payment.save_method and not customer_ref:
            known = ProviderCustomer.objects.filter(
                company=payment.company, customer=payment.customer_id
            ).first()
            customer_ref = known.reference if known else ""
        return payment_charge(
            payment=payment,
            method_ref=payment.provider_method_ref,
            customer_ref=customer_ref,
            off_session=payment.source == PaymentSource.AUTOPAY,
            actor=ACTOR,
        )
    payment = payment_refresh(payment=payment, actor=ACTOR)
    if (
        payment.state in (PaymentState.PENDING, PaymentState.REQUIRES_ACTION)
        and payment.updated_at <= now - ABANDONED_AFTER
    ):
        payment = payment_cancel(payment=payment, actor=ACTOR)
    return payment
