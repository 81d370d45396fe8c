"""Benchmark the real webhook path: HTTP in, receipt queued out (docs/benchmarks.md, ADR 0004).

Starts gunicorn (2 processes) and 2 `manage.py worker` processes against this database, posts
signed `payment_intent.succeeded` events (a quarter of them duplicate deliveries, shuffled)
from concurrent clients, and reports:
- received/s: deliveries answered 200 per second of posting;
- handled/s: distinct events per second from the first post until the last receipt email is
  in the outbox (invoice paid, payment succeeded, `payment_receipt` notification queued).
The workers deliver the receipts to a local SMTP sink meanwhile, as they would in production.
Leaves its data behind in a company of its own ("Bench webhooks <n>"); never the development
database (`make bench` picks the benchmark database).
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import random
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from doorstep.benchmarks import cpu
from doorstep.benchmarks.cluster import Cluster, cluster_env, free_port
from doorstep.billing.invoices import LineInput, invoice_create, invoice_open
from doorstep.billing.models import Invoice
from doorstep.core.audit import Actor
from doorstep.customers.models import Contact, Customer
from doorstep.notifications.models import Notification
from doorstep.payments.checkout import payment_attempt_create
from doorstep.payments.models import Payment, PaymentState, WebhookEvent
from doorstep.payments.providers.stripe.signature import signature_header
from doorstep.tenancy.services import company_create

ACTOR = Actor.system("bench")
SECRET = "whsec_bench_webhooks"  # noqa: S105  (signs the benchmark's own events)
TARGET = 200  # events/s end to end (issue 15)


def database_url() -> str:
    """This process's database as a URL for the processes it starts."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host, port = s.get("HOST") or "127.0.0.1", s.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{s['NAME']}"


@transaction.atomic  # one commit instead of a dozen per invoice
def bench_company(unique: int, *, provider: str = "stripe") -> tuple[Any, list[Payment]]:
    """A company with `unique` open invoices, each with a pending card attempt at Stripe."""
    suffix = random.randint(10**6, 10**7)
    company = company_create(name=f"Bench webhooks {suffix}", slug=f"bench-wh-{suffix}")
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
    payments = []
    for n in range(unique):
        invoice = invoice_create(
            company=company,
            customer=customer,
            actor=ACTOR,
            issue_date=today,
            due_date=today + timedelta(days=14),
            lines=[LineInput("Service call", 12500, Decimal("1"), Decimal("0"))],
        )
        invoice_open(company=company, invoice=invoice, actor=ACTOR)
        payment = payment_attempt_create(
            company=company,
            customer=customer,
            invoice_ids=[invoice.pk],
            amount_text=None,
            method="card",
            actor=ACTOR,
            payer_email=f"payer{n}@example.test",
        )
        Payment.objects.filter(pk=payment.pk).update(provider_reference=f"pi_bench_{suffix}_{n}")
        payment.provider_reference = f"pi_bench_{suffix}_{n}"
        payments.append(payment)
    return company, payments


def intent_event(payment: Payment, event_type: str = "payment_intent.succeeded") -> bytes:
    status = event_type.removeprefix("payment_intent.")
    event = {
        "id": f"evt_{payment.provider_reference}_{event_type.rsplit('.', 1)[-1]}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {
            "object": {
                "id": payment.provider_reference,
                "object": "payment_intent",
                "status": status,
                "amount": payment.amount,
                "currency": payment.currency.lower(),
                "metadata": {
                    "payment_id": str(payment.pk),
                    "company_id": str(payment.company_id),
                },
            }
        },
    }
    return json.dumps(event).encode()


def post_all(
    port: int, deliveries: list[bytes], *, clients: int, secret: str = SECRET
) -> dict[int, int]:
    """POST every delivery (signed now) from `clients` threads; returns answers by status."""
    answers: dict[int, int] = {}
    lock = threading.Lock()

    def post(payload: bytes) -> None:
        header = signature_header(payload=payload, secret=secret)
        for attempt in range(3):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request(
                    "POST",
                    "/webhooks/stripe",
                    body=payload,
                    headers={"Content-Type": "application/json", "Stripe-Signature": header},
                )
                status = conn.getresponse().status
            except OSError:
                status = 0
            finally:
                conn.close()
            # A provider retries anything but a 2xx answer; so do we (a few times).
            if status == 200 or attempt == 2:
                break
        with lock:
            answers[status] = answers.get(status, 0) + 1

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post, deliveries))
    return answers


def postgres_backends() -> list[int]:
    """This database's server processes, when PostgreSQL runs on this machine (else none)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        pids = [int(row[0]) for row in cursor.fetchall()]
    local = []
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip().startswith("postgres"):
                local.append(pid)
        except OSError:
            continue  # another machine's process number, or already gone
    return local


class CpuShares:
    """CPU seconds of each part of the cluster over the measured window (cpu.py)."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.start = self._read()

    def _parts(self) -> dict[str, list[int]]:
        procs = self.cluster.processes
        return {
            "web": [
                p for name in procs if name == "web" for p in cpu.descendants(procs[name].popen.pid)
            ],
            "workers": [procs[name].popen.pid for name in procs if name.startswith("worker")],
            "PostgreSQL": postgres_backends(),
        }

    def _read(self) -> dict[str, dict[int, float]]:
        return {
            part: {pid: cpu.process_seconds(pid) for pid in pids}
            for part, pids in self._parts().items()
        } | {"clients and SMTP sink": {0: cpu.self_seconds()}}

    def per_delivery(self, deliveries: int) -> str:
        end = self._read()
        shares = {
            part: sum(v - self.start[part].get(pid, 0.0) for pid, v in end[part].items())
            for part in end
        }
        total = sum(shares.values())
        parts = ", ".join(f"{part} {1000 * s / deliveries:.1f}" for part, s in shares.items())
        return f"CPU ms per delivery: {parts}; total {1000 * total / deliveries:.1f}"


class SmtpSink:
    """Accepts and drops every message (the workers deliver receipts meanwhile)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.count = 0
        self.port = free_port()

        class Handler:
            async def handle_DATA(inner, server: Any, session: Any, envelope: Any) -> str:
                self.count += 1
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class Command(BaseCommand):
    help = "Benchmark signed webhooks over HTTP until the last receipt is queued (>= 200/s)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--events", type=int, default=2000, help="deliveries (25%% repeats)")
        parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
        parser.add_argument("--web", type=int, default=2, help="gunicorn processes")
        parser.add_argument("--workers", type=int, default=2, help="manage.py worker processes")
        parser.add_argument(
            "--mode",
            choices=["request", "queued", "both"],
            default="request",
            help="request: handled in the webhook request (the default setting); queued: one "
            "task per event (WEBHOOKS_HANDLE_IN_REQUEST=false, as before ADR 0004)",
        )
        parser.add_argument("--timeout", type=float, default=300)
        parser.add_argument(
            "--report-only", action="store_true", help="never fail on the target (smoke runs)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor == "sqlite" and ":memory:" in str(connection.settings_dict["NAME"]):
            raise CommandError("bench_webhooks needs a database file or server")
        lines = [
            f"bench_webhooks {timezone.now():%Y-%m-%d %H:%M:%S %Z}",
            f"database: {connection.vendor}",
            "load average before: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        ]
        modes = ["request", "queued"] if options["mode"] == "both" else [options["mode"]]
        ok = True
        for mode in modes:
            result, met = self.run_mode(mode, options)
            lines += result
            ok = ok and met
        lines.append("load average after: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
        report = "\n".join(lines) + "\n"
        folder = settings.VAR_DIR / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "webhooks.txt").write_text(report)
        self.stdout.write(report)
        # The target is PostgreSQL's (SQLite serialises every writer: the embedded default).
        if not ok and connection.vendor == "postgresql" and not options["report_only"]:
            raise CommandError("end-to-end webhook throughput below the target")

    def run_mode(self, mode: str, options: dict[str, Any]) -> tuple[list[str], bool]:
        count = options["events"]
        unique = max(1, int(count * 0.75))
        self.stdout.write(f"[{mode}] creating {unique} invoices with pending attempts...")
        company, payments = bench_company(unique)
        payloads = [intent_event(p) for p in payments]
        deliveries = payloads + random.choices(payloads, k=count - unique)
        random.shuffle(deliveries)
        port = free_port()
        with SmtpSink() as smtp:
            env = cluster_env(
                database_url=database_url(),
                extra={
                    "STRIPE_WEBHOOK_SECRET": SECRET,
                    "WEBHOOKS_HANDLE_IN_REQUEST": "true" if mode == "request" else "false",
                    "EMAIL_HOST": "127.0.0.1",
                    "EMAIL_PORT": str(smtp.port),
                },
            )
            folder = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
            with Cluster(env=env, folder=folder) as cluster:
                cluster.web("web", port=port, workers=options["web"])
                for n in range(options["workers"]):
                    cluster.worker(f"worker{n + 1}")
                cluster.wait_for_web()
                time.sleep(1)  # the workers' imports
                shares = CpuShares(cluster)
                started = time.perf_counter()
                answers = post_all(port, deliveries, clients=options["clients"])
                posted = time.perf_counter() - started
                receipts = Notification.objects.filter(company=company, template="payment_receipt")
                deadline = time.monotonic() + options["timeout"]
                while receipts.count() < unique and time.monotonic() < deadline:
                    time.sleep(0.02)
                handled = time.perf_counter() - started
                queued = receipts.count()
                cpu_line = shares.per_delivery(count)
        events = WebhookEvent.objects.filter(company=company)
        paid = Invoice.objects.filter(company=company, balance_due=0).count()
        succeeded = Payment.objects.filter(company=company, state=PaymentState.SUCCEEDED).count()
        # The target counts deliveries (duplicates included, as a provider sends them) from the
        # first POST until the last receipt is in the outbox; distinct events are shown too.
        rate_in, rate_done, rate_events = count / posted, count / handled, unique / handled
        met = queued == unique and paid == unique and rate_done >= TARGET
        return [
            f"[{mode}] {options['web']} web + {options['workers']} workers, "
            f"{options['clients']} clients: {count} deliveries ({count - unique} duplicates), "
            f"answers {dict(sorted(answers.items()))}",
            f"[{mode}] received: {count} in {posted:.2f} s = {rate_in:.0f} deliveries/s",
            f"[{mode}] handled end to end: {queued}/{unique} receipts queued in {handled:.2f} s "
            f"= {rate_done:.0f} deliveries/s (target >= {TARGET}) "
            f"{'OK' if met else 'BELOW TARGET'}, {rate_events:.0f} distinct events/s",
            f"[{mode}] inbox rows {events.count()}, invoices paid {paid}/{unique}, "
            f"payments succeeded {succeeded}/{unique}, receipts delivered to SMTP so far "
            f"{smtp.count}",
            f"[{mode}] {cpu_line} (2 cores: {2000 * handled / count:.1f} ms of CPU per delivery "
            f"were there to use; {2000 / TARGET:.0f} at the target)",
        ], met
