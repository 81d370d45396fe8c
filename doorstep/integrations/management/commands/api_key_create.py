"""`manage.py api_key_create --company SLUG --scopes customers:write,invoices:write --name ...`
prints a new API key once (only its hash is kept)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.integrations.keys import api_key_create
from doorstep.integrations.models import ApiScope
from doorstep.tenancy.models import Company
from doorstep.tenancy.rls import tenant_scope


class Command(BaseCommand):
    help = "Create an API key for a company and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", required=True, help="The company's slug.")
        parser.add_argument(
            "--scopes",
            required=True,
            help="Comma-separated, e.g. customers:write,invoices:write; 'all' for every scope. "
            f"Known: {', '.join(scope.value for scope in ApiScope)}",
        )
        parser.add_argument("--name", required=True, help="What the key is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        company = Company.objects.filter(slug=options["company"]).first()
        if company is None:
            raise CommandError(f"No company with the slug {options['company']!r}.")
        raw_scopes = options["scopes"].strip()
        scopes = (
            [scope.value for scope in ApiScope]
            if raw_scopes == "all"
            else [s.strip() for s in raw_scopes.split(",") if s.strip()]
        )
        try:
            with tenant_scope(company):  # the company named on the command line (tenancy.rls)
                issued = api_key_create(
                    company=company,
                    name=options["name"],
                    scopes=scopes,
                    actor=Actor.system("manage.py api_key_create"),
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(issued.raw)
