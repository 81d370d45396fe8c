"""`manage.py demo`: two branded demo companies (idempotent), and with --invoices N the
benchmark-sized data set (see doorstep.demo.bulk)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from doorstep.core.audit import Actor
from doorstep.core.links import help_url, office_url, portal_url
from doorstep.demo.bulk import HEAVY_EMAIL, bulk_grow
from doorstep.demo.catalogue import DEMO_PASSWORD
from doorstep.demo.seed import demo_customer_email, seed_demo
from doorstep.integrations.keys import api_key_for_demo
from doorstep.tenancy import rls


class Command(BaseCommand):
    help = "Create the demo companies; with --invoices N grow the data to N invoices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--invoices", type=int, default=0, help="Grow to N invoices.")
        parser.add_argument(
            "--jobs", type=int, default=None, help="Grow to M jobs (default: as many as invoices)."
        )
        parser.add_argument(
            "--companies", type=int, default=2, help="Spread across C companies (default 2)."
        )
        parser.add_argument(
            "--heavy-invoices",
            type=int,
            default=2000,
            help=f"Invoices of the one long-history customer ({HEAVY_EMAIL}).",
        )
        parser.add_argument("--heavy-jobs", type=int, default=500, help="Its jobs.")
        parser.add_argument("--quiet", action="store_true", help="No sign-in instructions.")

    def handle(self, *args: Any, **opts: Any) -> None:
        # Demo data spans companies: the maintenance role's job (tenancy.rls).
        with rls.maintenance_scope():
            self._handle(opts)

    def _handle(self, opts: dict[str, Any]) -> None:
        demo = seed_demo()
        for item in demo:
            state = "created" if item.created else "already there"
            self.stdout.write(f"{item.company.name}: {state}")
        if opts["invoices"] or opts["jobs"]:
            self._grow(opts)
        if not opts["quiet"]:
            self._instructions(demo)

    def _grow(self, opts: dict[str, Any]) -> None:
        invoices = opts["invoices"]
        jobs = opts["jobs"] if opts["jobs"] is not None else invoices
        started = time.monotonic()
        with tqdm(total=None, unit=" rows", desc="invoices+jobs", mininterval=1) as bar:
            result = bulk_grow(
                invoices=invoices,
                jobs=jobs,
                companies=opts["companies"],
                heavy_invoices=opts["heavy_invoices"],
                heavy_jobs=opts["heavy_jobs"],
                progress=bar.update,
            )
        seconds = time.monotonic() - started
        made = result.invoices_created + result.jobs_created
        rate = made / seconds if seconds else 0
        self.stdout.write(
            f"Created {result.invoices_created} invoices, {result.jobs_created} jobs and "
            f"{result.customers_created} customers in {seconds:.1f}s ({rate:,.0f} documents/s)."
        )
        self.stdout.write(
            "Now: " + ", ".join(f"{v:,} {k}" for k, v in result.totals.items())
            + f" across {len(result.companies)} companies."
        )  # fmt: skip
        if result.heavy_customer:
            heavy = result.heavy_customer
            self.stdout.write(
                f"Long-history customer: {heavy.name} (id {heavy.pk}, {HEAVY_EMAIL}) at "
                f"{result.companies[0].slug}: {heavy.invoices.count()} invoices, "
                f"{heavy.jobs.count()} jobs."
            )

    def _instructions(self, demo: list[Any]) -> None:
        self.stdout.write("")
        self.stdout.write(f"Office:       {office_url()}")
        for item in demo:
            self.stdout.write(
                f"  {item.company.name:<20} sign in as {item.spec.owner_email} / {DEMO_PASSWORD}"
            )
        for item in demo:
            self.stdout.write(
                f"Portal of {item.company.name}: {portal_url(item.company)} "
                f"(as a customer, e.g. {demo_customer_email(item.company)})"
            )
            self.stdout.write(f"Help site of {item.company.name}: {help_url(item.company)}")
        for item in demo[:1]:
            raw = api_key_for_demo(company=item.company, actor=Actor.system("Demo data"))
            self.stdout.write(
                f"API of {item.company.name}: {settings.BASE_URL}/api/v1/ "
                f"(reference: {settings.BASE_URL}/api/v1/docs/)\n  key: {raw}"
            )
        self.stdout.write("Emails (sign-in links too) are printed and kept in var/mail/.")
