"""`manage.py bench` (`make bench`): grow the data, then time the customer portal's main pages.

See docs/benchmarks.md for the method. Prints a table and writes it to var/bench/.
"""

from __future__ import annotations

import logging
import os
import platform
import time
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from tqdm import tqdm

from config.database import PREPARED_STATEMENT_OPTIONS
from doorstep.benchmarks import measure, pages, rls_compare
from doorstep.benchmarks.plan import plan_for, run_rounds
from doorstep.benchmarks.report import Report, markdown_table, report_write
from doorstep.demo.bulk import BulkResult, bulk_grow

FULL = {"invoices": 1_000_000, "jobs": 1_000_000, "companies": 200, "requests": 200, "pdf": 20}
QUICK = {"invoices": 20_000, "jobs": 20_000, "companies": 20, "requests": 50, "pdf": 5}


class Command(BaseCommand):
    help = "Time the portal's main pages for a customer with a long history (see docs)."
    _rls_table = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quick", action="store_true", help="Smoke run: 20,000 invoices.")
        parser.add_argument("--invoices", type=int, help="Grow to N invoices (1,000,000).")
        parser.add_argument("--jobs", type=int, help="Grow to M jobs (1,000,000).")
        parser.add_argument("--companies", type=int, help="Across C companies (200).")
        parser.add_argument("--heavy-invoices", type=int, default=2000)
        parser.add_argument("--heavy-jobs", type=int, default=500)
        parser.add_argument("--requests", type=int, help="Timed requests per page (200).")
        parser.add_argument("--pdf-requests", type=int, help="Timed cold PDF renders (20).")
        parser.add_argument("--warmup", type=int, default=20, help="Untimed requests first.")
        parser.add_argument(
            "--rounds", type=int, default=4, help="Split each page's requests into R rounds."
        )
        parser.add_argument("--output", type=Path, help="Folder for the table (var/bench).")
        parser.add_argument(
            "--rls",
            choices=["on", "both"],
            default="on",
            help="PostgreSQL: 'both' times every page with row-level security off and on in "
            "the same run (alternating rounds) and prints the difference (docs/benchmarks.md).",
        )
        parser.add_argument(
            "--pg-prepared",
            nargs="?",
            const="on",
            choices=["on", "off"],
            help="PostgreSQL: server-side binding and prepared statements on or off for this "
            "run (--pg-prepared alone: on). Default: as DATABASE_PREPARED_STATEMENTS sets "
            "them (docs/deploy.md).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        logging.getLogger("weasyprint").setLevel(logging.WARNING)  # one line per render step
        preset = QUICK if opts["quick"] else FULL
        for key in ("invoices", "jobs", "companies", "requests"):
            if opts[key] is None:
                opts[key] = preset[key]
        if opts["pdf_requests"] is None:
            opts["pdf_requests"] = preset["pdf"]
        if min(opts["requests"], opts["pdf_requests"], opts["rounds"]) < 1 or opts["warmup"] < 0:
            raise CommandError("--requests, --pdf-requests and --rounds must be at least 1.")
        debug = settings.DEBUG
        # Measured as served in production: no query log, no template debug information.
        settings.DEBUG = False
        try:
            report = self._run(opts)
        finally:
            settings.DEBUG = debug
        self.stdout.write("")
        self.stdout.write(markdown_table(report))
        if self._rls_table:
            self.stdout.write("\nRow-level security off (owner) and on (app role):\n")
            self.stdout.write(self._rls_table)
        folder = opts["output"] or Path(settings.VAR_DIR) / "bench"
        written = report_write(report, folder, timezone.now())
        self.stdout.write(f"\nWritten to {written[0]} (and {written[2].name}).")
        verdict = "Every target met." if report.all_met else "Some targets were MISSED."
        self.stdout.write(verdict)

    def _run(self, opts: dict[str, Any]) -> Report:
        load_before = os.getloadavg()
        if opts["pg_prepared"] and connection.vendor == "postgresql":
            _prepared_statements(opts["pg_prepared"] == "on")
        self._migrate()
        grown, grow_seconds = self._grow(opts)
        customer = grown.heavy_customer
        if customer is None:
            raise CommandError("No long-history customer: --heavy-invoices must be > 0.")
        visitor = pages.visitor_sign_in(customer)
        try:
            plans = [
                plan_for(
                    visitor, spec, requests=opts["requests"], pdf_requests=opts["pdf_requests"]
                )
                for spec in pages.page_specs(visitor)
            ]
            for line in (f"{p.spec.label}: {p.spec.url}" for p in plans):
                self.stdout.write(line)
            if opts["rls"] == "both" and connection.vendor == "postgresql":
                rls_compare.roles_ready()
                off, results = rls_compare.run_rounds_off_and_on(
                    visitor,
                    plans,
                    rounds=opts["rounds"],
                    warmup=opts["warmup"],
                    log=self.stdout.write,
                )
                self._rls_table = rls_compare.comparison_table(off, results)
            else:
                results = run_rounds(
                    visitor,
                    plans,
                    rounds=opts["rounds"],
                    warmup=opts["warmup"],
                    log=self.stdout.write,
                )
        except (measure.PageFailed, LookupError) as error:
            # A page that is not a 200, or data too small for it (history page 20).
            raise CommandError(str(error)) from error
        finally:
            pages.visitor_sign_out(visitor)
        environment = self._environment(opts, grown, grow_seconds, visitor, load_before)
        return Report(results=results, environment=environment)

    def _migrate(self) -> None:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("Migrating the benchmark database...")
            call_command("migrate", verbosity=0, interactive=False)

    def _grow(self, opts: dict[str, Any]) -> tuple[BulkResult, float]:
        self.stdout.write(
            f"Data: growing to {opts['invoices']:,} invoices and {opts['jobs']:,} jobs across "
            f"{opts['companies']} companies (existing rows are reused)..."
        )
        started = time.monotonic()
        with tqdm(total=None, unit=" rows", mininterval=2, disable=None) as bar:
            grown = bulk_grow(
                invoices=opts["invoices"],
                jobs=opts["jobs"],
                companies=opts["companies"],
                heavy_invoices=opts["heavy_invoices"],
                heavy_jobs=opts["heavy_jobs"],
                progress=bar.update,
            )
        if (grown.invoices_created or grown.jobs_created) and connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would give a live database after such a load.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return grown, time.monotonic() - started

    def _environment(
        self,
        opts: dict[str, Any],
        grown: BulkResult,
        grow_seconds: float,
        visitor: pages.Visitor,
        load_before: tuple[float, float, float],
    ) -> dict[str, Any]:
        customer = visitor.customer
        totals = grown.totals
        if grown.invoices_created or grown.jobs_created:
            growth = (
                f"created {grown.invoices_created:,} invoices and {grown.jobs_created:,} jobs "
                f"in {grow_seconds:.0f} s"
            )
        else:
            growth = f"reused (checked in {grow_seconds:.1f} s)"
        load_after = os.getloadavg()
        return {
            "finished_at": timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
            "database": _database_label()
            + (" with server-side binding, prepared statements" if _prepared() else ""),
            "data": f"{totals['invoices']:,} invoices, {totals['jobs']:,} jobs, "
            f"{totals['customers']:,} customers across {len(grown.companies)} companies",
            "data_growth": growth,
            "customer": f"{customer.name} at /p/{visitor.company.slug}/: "
            f"{customer.invoices.count():,} invoices, {customer.jobs.count():,} jobs",
            "requests": f"{opts['requests']} timed per page in {opts['rounds']} rounds (pages "
            f"taken in turn) after {opts['warmup']} warm-up; PDF cold {opts['pdf_requests']} "
            "(stored PDF deleted before each)",
            "through": "Django test client in one process (whole middleware stack, no "
            "network), DEBUG off; floor = the page's template rendered from memory, "
            "database blocked",
            "machine": f"{os.cpu_count()} cores, load average {_load(load_before)} before, "
            f"{_load(load_after)} after",
            "software": f"Python {platform.python_version()}, Django {django.get_version()}",
        }


def _load(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{value:.2f}" for value in load)


def _prepared_statements(on: bool) -> None:
    """--pg-prepared on/off: this run's connection with or without what
    DATABASE_PREPARED_STATEMENTS would give (config/database.py)."""
    connection.close()  # the options apply to the next connection
    options = connection.settings_dict.setdefault("OPTIONS", {})
    for key in PREPARED_STATEMENT_OPTIONS:
        options.pop(key, None)
    if on:
        options.update(PREPARED_STATEMENT_OPTIONS)


def _prepared() -> bool:
    options = connection.settings_dict.get("OPTIONS", {})
    return connection.vendor == "postgresql" and options.get("prepare_threshold") is not None


def _database_label() -> str:
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)  # type: ignore[attr-defined]
        return f"PostgreSQL {major}.{minor} ({connection.settings_dict['NAME']})"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"
