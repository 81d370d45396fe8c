"""Ledger history for the adoption page's benchmark: for each invoice of the company, its
send, an open for most, a payment for most (channels mixed), spread over three years, written
in bulk (the benchmark set's invoices were made in bulk, without the services), then rolled
up per day as the scheduler would."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from doorstep.adoption.models import Activity, ActivityVerb, Channel
from doorstep.adoption.rollups import rollups_catch_up
from doorstep.billing.models import Invoice
from doorstep.core.models import ActorType
from doorstep.tenancy.models import Company
from doorstep.tenancy.time import company_zone

CHANNELS = [Channel.PORTAL, Channel.INVOICE_LINK, Channel.AUTOPAY, Channel.OFFICE]


def adoption_history_for_bench(company: Company) -> int:
    """Idempotent: a company that already has ledger rows keeps them. Returns the row count."""
    existing = Activity.objects.for_company(company).count()
    if existing:
        rollups_catch_up(company=company)
        return existing
    rng = random.Random(company.pk)
    now = timezone.now()
    zone = company_zone(company)
    rows: list[Activity] = []
    invoices = Invoice.objects.for_company(company).values_list("pk", "customer_id")
    for pk, customer_id in invoices.iterator():
        sent = now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        base = {"company": company, "customer_id": customer_id, "object_id": pk}
        cohort = sent.astimezone(zone).date()
        rows.append(
            Activity(
                **base,
                object_type="invoice",
                verb=ActivityVerb.INVOICE_SENT,
                channel=Channel.EMAIL,
                actor_type=ActorType.STAFF,
                occurred_at=sent,
                first=True,
                cohort_on=cohort,
                latency_seconds=0,
            )
        )
        later = sent + timedelta(hours=rng.randrange(1, 400))
        if later < now and rng.random() < 0.7:
            rows.append(
                Activity(
                    **base,
                    object_type="invoice",
                    verb=ActivityVerb.INVOICE_OPENED,
                    channel=Channel.INVOICE_LINK,
                    actor_type=ActorType.PORTAL,
                    occurred_at=later,
                    first=True,
                    cohort_on=cohort,
                    latency_seconds=int((later - sent).total_seconds()),
                )
            )
            rows.append(
                Activity(
                    **base,
                    object_type="payment",
                    verb=ActivityVerb.PAYMENT_SETTLED,
                    channel=rng.choice(CHANNELS),
                    actor_type=ActorType.PORTAL,
                    occurred_at=later,
                    amount=rng.randrange(5000, 90000),
                )
            )
    Activity.objects.bulk_create(rows, batch_size=2000)
    rollups_catch_up(company=company)
    return len(rows)
