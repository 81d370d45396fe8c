"""`manage.py balances_refresh [--company slug]`: rebuild what every customer owes.

The services keep each customer's row (billing.CustomerBalance) up to date as they change
invoices; this rebuilds the rows from the invoices, one statement per company, after a bulk
load outside the services, a restore, or a change to the rule itself
(billing/customer_balances.py). Safe to run at any time: it only recomputes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from doorstep.billing.customer_balances import balances_refresh
from doorstep.tenancy.models import Company
from doorstep.tenancy.rls import tenant_scope
from doorstep.tenancy.selectors import company_by_slug


class Command(BaseCommand):
    help = "Recompute every customer's balance (due, unpaid and overdue) from the invoices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", help="Only this company (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["company"]:
            company = company_by_slug(slug=options["company"])
            if company is None:
                raise CommandError(f"No company with slug {options['company']!r}.")
            companies = [company]
        else:
            companies = list(Company.objects.order_by("slug"))
        for company in companies:
            with tenant_scope(company):  # each company's rows in its own transaction
                balances_refresh(company=company)
        self.stdout.write(f"Balances refreshed for {len(companies)} company(ies).")
