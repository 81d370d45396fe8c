"""`manage.py portal_link pat@example.com --company acme`: print a fresh sign-in link.

For demos and testing by hand. Like any new link it supersedes the account's older sign-in
links. The link is printed, not emailed; the database keeps only its hash.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from doorstep.access.models import LinkPurpose, PortalAccountState
from doorstep.access.services import account_for_email, login_link_issue
from doorstep.tenancy.rls import tenant_scope
from doorstep.tenancy.selectors import company_by_slug


class Command(BaseCommand):
    help = "Print a fresh portal sign-in link for a customer's email at a company."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--company", required=True, help="The company's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_by_slug(slug=options["company"])
        if company is None:
            raise CommandError(f"No company with slug {options['company']!r}.")
        with tenant_scope(company):  # the company named on the command line (tenancy.rls)
            self._issue(company, options)

    def _issue(self, company: Any, options: dict[str, Any]) -> None:
        account = account_for_email(company=company, email=options["email"])
        if account is None:
            raise CommandError(
                f"{options['email']} has no portal account at {company.name}: send them an "
                "invoice or invite them from the back office first."
            )
        if account.state == PortalAccountState.DEACTIVATED:
            raise CommandError("That portal account is deactivated.")
        issued = login_link_issue(account=account, purpose=LinkPurpose.SIGN_IN)
        self.stdout.write(issued.url)
        self.stdout.write(f"Code for another device: {issued.code}")
