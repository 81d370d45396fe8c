"""Benchmark the payment pipeline; prints and writes var/bench/payments.txt.

1. Webhook throughput: signed `payment_intent.succeeded` events (a quarter of them duplicate
   deliveries) go through signature check, the inbox insert and the handler (row locks, invoice
   update, receipt queued). Target: >= 200 events/s including duplicates.
2. Pay -> paid: the demo provider's checkout path (attempt row, charge, invoice marked paid).

Everything runs inside one transaction that is rolled back: the database is left untouched.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from doorstep.access.models import PortalAccount
from doorstep.access.portal_sessions import portal_session_create
from doorstep.billing.invoices import LineInput, invoice_create, invoice_open
from doorstep.core.audit import Actor
from doorstep.customers.models import Contact, Customer
from doorstep.payments.checkout import payment_attempt_create
from doorstep.payments.models import Payment
from doorstep.payments.providers.stripe.signature import signature_header
from doorstep.payments.webhooks import webhook_handle, webhook_receive
from doorstep.tenancy.services import company_create

ACTOR = Actor.system("bench")
SECRET = "whsec_bench"  # noqa: S105  (signs the benchmark's own events)


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark webhook handling and the demo pay-to-paid path."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--events", type=int, default=1000)
        parser.add_argument("--payments", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        lines: list[str] = []
        try:
            with transaction.atomic(), override_settings(STRIPE_WEBHOOK_SECRET=SECRET):
                lines += self.bench_webhooks(options["events"])
                lines += self.bench_pay(options["payments"])
                raise Rollback
        except Rollback:
            pass
        header = [
            f"bench_payments {timezone.now():%Y-%m-%d %H:%M:%S %Z}",
            f"database: {connection.vendor}",
            # The machine's load skews the numbers; keep it next to them.
            "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        ]
        report = "\n".join(header + lines) + "\n"
        folder = settings.VAR_DIR / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "payments.txt").write_text(report)
        self.stdout.write(report)

    def _setup(self, provider: str, invoices: int) -> tuple[Any, Any, list[Any]]:
        suffix = random.randint(10**6, 10**7)
        company = company_create(name=f"Bench {suffix}", slug=f"bench-{suffix}")
        company.settings.payment_provider = provider
        company.settings.save()
        customer = Customer.objects.create(company=company, name="Bench Customer")
        Contact.objects.create(
            company=company,
            customer=customer,
            name="Bench",
            email="bench@example.test",
            is_primary=True,
        )
        today = timezone.localdate()
        bills = []
        for _ in range(invoices):
            invoice = invoice_create(
                company=company,
                customer=customer,
                actor=ACTOR,
                issue_date=today,
                due_date=today + timedelta(days=14),
                lines=[LineInput("Service call", 12500, Decimal("1"), Decimal("0"))],
            )
            bills.append(invoice_open(company=company, invoice=invoice, actor=ACTOR))
        return company, customer, bills

    def bench_webhooks(self, count: int) -> list[str]:
        unique = max(1, int(count * 0.75))
        company, customer, bills = self._setup("stripe", unique)
        payloads = []
        for n, invoice in enumerate(bills):
            payment = payment_attempt_create(
                company=company,
                customer=customer,
                invoice_ids=[invoice.pk],
                amount_text=None,
                method="card",
                actor=ACTOR,
                payer_email="bench@example.test",
            )
            Payment.objects.filter(pk=payment.pk).update(provider_reference=f"pi_bench_{n}")
            event = {
                "id": f"evt_bench_{company.pk}_{n}",
                "type": "payment_intent.succeeded",
                "created": int(time.time()),
                "data": {
                    "object": {
                        "id": f"pi_bench_{n}",
                        "object": "payment_intent",
                        "status": "succeeded",
                        "amount": payment.amount,
                        "currency": payment.currency.lower(),
                        "metadata": {"payment_id": str(payment.pk), "company_id": str(company.pk)},
                    }
                },
            }
            payloads.append(json.dumps(event).encode())
        deliveries = payloads + random.choices(payloads, k=count - unique)
        random.shuffle(deliveries)
        signed = [(p, signature_header(payload=p, secret=SECRET)) for p in deliveries]
        started, cpu_started = time.perf_counter(), time.process_time()
        for payload, signature in signed:
            received = webhook_receive(
                provider="stripe", payload=payload, signature=signature, enqueue=False
            )
            if received.event_pk is not None:
                webhook_handle(event_pk=received.event_pk)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        paid = sum(1 for i in bills if type(i).objects.get(pk=i.pk).balance_due == 0)
        rate = len(signed) / elapsed
        return [
            f"webhooks: {len(signed)} deliveries ({len(signed) - unique} duplicates) "
            f"in {elapsed:.2f} s = {rate:.0f} events/s (target >= 200) "
            f"{'OK' if rate >= 200 else 'BELOW TARGET'}",
            f"webhooks: {cpu:.2f} s of this process's CPU = {len(signed) / cpu:.0f} events/s "
            "per CPU core (what an unloaded machine would do; excludes a PostgreSQL server's CPU)",
            f"webhooks: invoices paid {paid}/{unique} (each exactly once)",
        ]

    def bench_pay(self, count: int) -> list[str]:
        """The customer presses "Pay": the whole POST (session, checks, attempt row, charge,
        invoice update, receipt queued) until the redirect to the receipt page."""
        company, customer, bills = self._setup("demo", count)
        contact = Contact.objects.get(customer=customer)
        account = PortalAccount.objects.create(
            company=company, customer=customer, contact=contact, email=contact.email
        )
        _, raw = portal_session_create(account=account)
        client = Client()
        client.cookies[settings.PORTAL_SESSION_COOKIE] = raw
        timings = []
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            for invoice in bills:
                started = time.perf_counter()
                response = client.post(
                    f"/p/{company.slug}/pay",
                    {
                        "invoice": invoice.pk,
                        "method_choice": "card",
                        "payment_method": "pm_demo_visa_4242_12_30",
                    },
                    secure=True,  # production settings redirect plain HTTP
                )
                timings.append((time.perf_counter() - started) * 1000)
                paid = type(invoice).objects.get(pk=invoice.pk).balance_due == 0
                if response.status_code != 302 or not paid:
                    raise RuntimeError(f"payment of {invoice} failed: {response.status_code}")
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        return [
            f"pay -> paid (demo provider, POST /pay to redirect, {count} payments): "
            f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
            f"max {timings[-1]:.1f} ms"
        ]
